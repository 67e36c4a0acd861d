"""``python -m display.speech ...`` (see display/speech/cli.py)."""

from display.speech.cli import main

raise SystemExit(main())
