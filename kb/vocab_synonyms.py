"""General IT help-desk synonyms (symptoms and actions), same syntax as
:mod:`kb.vocab_bilingual`.  Groups here are mostly about how people describe a
problem ("stuck", "ran out", "faint") rather than about a product or service."""

from __future__ import annotations

__all__ = ["GENERIC", "GENERIC_WEIGHT", "IMPLIES", "SYNONYMS"]

SYNONYMS: dict[str, tuple[str, ...]] = {
    "fix": ("fix", "repair", "troubleshoot", "resolve", "почин*", "исправ*", "ремонт*"),
    "stuck": ("stuck", "застрял*", "застрев*", "не двигается", "hangs at", "stalled"),
    "faint": ("faint", "pale", "streaky", "streaks", "light print", "бледн*", "полос*",
              "блекл*"),
    "empty": ("empty", "ran out", "run out", "running out", "running low", "low", "закончил*",
              "кончил*", "заканчива*", "законч*"),
    "download": ("download", "downloaded", "скача*", "скачив*"),
    "upload": ("upload", "uploaded", "выложит*", "залит*"),
    "cursor": ("cursor", "pointer", "курсор*"),
    "typing": ("typing", "type", "набира*", "клавиш*"),
    "wrong": ("wrong", "incorrect", "неправильн*", "неверн*", "не тот"),
    "status": ("status", "статус*"),
    "busy": ("busy", "occupied", "free", "available", "занят*", "свободн*"),
    "old": ("old", "outdated", "aging", "стар*", "устарел*"),
    "power": ("turn on", "switch on", "power on", "boot", "boots", "wont turn on",
              "включ*", "не включается"),
    "shutdown": ("turn off", "shut down", "shutdown", "power off", "выключ*"),
    "greeting": ("greeting", "приветстви*"),
    "pin": ("pin", "pin code", "пин*"),
    "extension": ("extension", "ext", "добавочн*"),
    "volume": ("volume", "громкост*", "quiet", "тихо"),
    "cable": ("cable", "cables", "wire", "кабел*", "провод*", "шнур*"),
    "usb": ("usb", "usb c", "type c", "thunderbolt", "юсб", "hdmi", "displayport"),
    "driver": ("driver", "drivers", "драйвер*"),
    "virus": ("virus", "malware", "antivirus", "вирус*", "антивирус*", "ransomware"),
    "link": ("link", "links", "url", "ссылк*"),
    "click": ("click", "clicked", "clicking", "кликн*", "нажал*", "нажима*"),
    "archive": ("archive", "archiving", "архив*"),
    "size": ("size", "big", "large", "huge", "размер*", "больш*", "огромн*", "тяжел*"),
    "limit": ("limit", "limits", "лимит*", "ограничени*"),
    "cloud": ("cloud", "облак*", "облачн*"),
    "intranet": ("intranet", "интранет*"),
    "antivirus": ("defender", "endpoint protection"),
    "charge": ("charge", "charging", "charger", "заряд*"),
    "blank": ("blank", "black screen", "no signal", "черн* экран*", "нет сигнала"),
    "verify": ("verify", "verification", "проверк*", "верифик*"),
    "contact": ("contact", "contacts", "контакт*"),
    "signature": ("signature", "sign", "подпис*"),
    "disabled": ("disabled", "deactivated", "отключен* учетн*", "деактив*"),
    "speed": ("speed", "bandwidth", "скорост*", "пропускн*"),
    "timeout": ("timeout", "timed out", "time out", "таймаут*", "тайм аут"),
    "join": ("join", "joining", "присоедин*"),
    "work": ("work", "works", "working", "работ*", "рабоч*"),
    "problem": ("problem", "problems", "issue", "issues", "trouble", "проблем*", "неполадк*"),
    "use": ("use", "using", "использ*", "пользова*"),
}  # fmt: skip

# Emitting the key concept also emits these (a laptop is a computer, ...).
IMPLIES: dict[str, tuple[str, ...]] = {
    "laptop": ("computer",),
    "iphone": ("phone",),
    "android": ("phone",),
    "rdp": ("remote",),
    "netdrive": ("network", "folder"),
    "newhire": ("new", "employee"),
    "bsod": ("crash",),
    "freeze": ("stuck",),
    "softphone": ("phone",),
    "voicemail": ("phone",),
}

# Concepts that say little about the topic on their own ("not working", "new",
# "error"): they still count, but with a reduced weight in questions.
GENERIC: frozenset[str] = frozenset(
    {
        "notworking", "work", "open", "new", "request", "add", "setup", "error", "message",
        "warning", "click", "wrong", "status", "fix", "contact", "corporate", "office",
        "size", "employee", "problem", "use",
    }
)  # fmt: skip
GENERIC_WEIGHT = 0.5
