"""Where the files shipped with the app live (fonts, translations, icons)."""

from __future__ import annotations

import sys
from pathlib import Path

# In a PyInstaller bundle the resources sit beside the unpacked code.
_ROOT = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
RESOURCES = _ROOT / "resources"
FONT_FILE = RESOURCES / "fonts" / "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"
