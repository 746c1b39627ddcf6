from assistant.rules.cli import main

raise SystemExit(main())
