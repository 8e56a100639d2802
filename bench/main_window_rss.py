"""Resident memory of a process showing the main window: run by bench/run.py.

    python bench/main_window_rss.py STORE   # prints {"rss_bytes": N}

Starts Qt as the app does (language, Qt's catalog, the CJK font), signs in the demo
branch's supervisor without hashing a password (argon2 briefly takes 64 MiB, which is
not the window's), shows the main window and lets it settle before reading RSS.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from app import APP_NAME, i18n
from app.config import resolve_store_url
from app.db import open_store
from app.services import auth
from app.ui import widgets
from app.ui.app import ensure_cjk_font, install_qt_translations
from app.ui.main_window import MainWindow

SUPERVISOR = "demo"
SETTLE_S = 1.0


def main(store_arg: str) -> int:
    QCoreApplication.setOrganizationName(widgets.ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(sys.argv[:1])
    lang = i18n.set_language(i18n.DEFAULT_LANGUAGE)
    install_qt_translations(app, lang)
    ensure_cjk_font(app)
    store = open_store(resolve_store_url(store_arg))
    with store.transaction() as session:
        user = auth.find_user(session, SUPERVISOR)
        if user is None:
            print(f"no user {SUPERVISOR!r} in {store_arg}", file=sys.stderr)
            return 1
        actor = auth.actor_for(user)
    window = MainWindow(store, actor)
    window.show()
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    print(json.dumps({"rss_bytes": psutil.Process().memory_info().rss}), flush=True)
    window.hide()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
