from chatdesk.cli.main import main

main()
