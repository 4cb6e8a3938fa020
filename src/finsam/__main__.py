from finsam.cli import main

raise SystemExit(main())
