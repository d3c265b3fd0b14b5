"""``python -m course_export build ...``."""
import sys

from .cli import main

sys.exit(main())
