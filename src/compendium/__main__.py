from compendium.cli import main

main()
