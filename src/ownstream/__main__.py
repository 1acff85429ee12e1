from ownstream.cli import main

main()
