"""Function words and chat filler ignored when matching (after phrase matching)."""

from __future__ import annotations

__all__ = ["STOPWORDS"]

_EN = """
a about above after again against all am an and any are aren arent as at be because been
before being below between both but by can cannot cant could couldnt did didnt do does doesnt
doing dont down during each few for from further had hadnt has hasnt have havent having he her
here hers herself him himself his how i if im in into is isnt it its itself ive just let lets me
more most my myself no nor not now of off on once only or other our ours out over own same she
should shouldnt so some such than that thats the their theirs them then there these they this
those through to too under until up very was wasnt we were werent what whats when where which
while who whom why will with wont would wouldnt you your yours yourself youre ill id weve theyre
also already again anyone anybody anything someone something somebody still even ever every
hi hello hey thanks thank please pls plz ok okay yes yeah guys team dear regards cheers
get got gets getting go goes going gone make makes made want wants wanted need needs needed
know think seems seem like really just maybe also today yesterday now again keeps keep kept
u ur r im ive id one two us via etc since usually right left around another any anyway back
each either else enough first last least less lot lots many much must next never often once
quite rather same several since soon sure though thru till upon usual well whatever whenever
whole yet able across actually almost along always among ask asked asking become came come
comes coming could day days did done each find found five four give given hour hours however
instead isnt later look looks looked minute minutes morning night part put said say says saying
see seen show shows take takes taking tell three time times told took try tried trying turn
week weeks year years good bad great little long new old own big small may might
"""

_RU = """
а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для
до его ее если есть еще же за здесь и из или им их к как ко когда кто ли либо мне меня мой мы на
над не него нее нет ни них но ну о об однако он она они оно от очень по под после при про с со
так также такой там те тем то того тоже той только том ту ты у уже хотя чего чей чем что чтобы
чье чья эта эти это этот я мой моя мои моего моей мою свой своя свои своего свою себя себе
вы ваш ваша ваши вашего нам нас наш наша наши можно нужно нужен нужна нужны надо пожалуйста
привет здравствуйте добрый день утро вечер спасибо коллеги подскажите подскажи помогите помоги
сегодня вчера опять снова почему зачем какой какая какие какое каким каком который которая
которые сейчас уже вообще просто что-то кто-то почему-то какой-то мне могу можете может могут
делать сделать чтото ктото какойто пишет пишут выдает выдает показывает говорит
"""

STOPWORDS: frozenset[str] = frozenset(_EN.split()) | frozenset(_RU.split())
