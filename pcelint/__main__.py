import sys

from pcelint.cli import main

sys.exit(main())
