"""Backups in the GUI (issue 6): the automatic ones, File → Back up now, and the
Backups and restore dialog with a preview of each backup.

The decisions (when is a backup due) are app.backup.AutoBackup's; this module only
times them (a QTimer, the shell's exit) and runs the copies off the GUI thread. The
restore itself is the shell's business: it owns the store, which must be closed first.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.backup import (
    AutoBackup,
    BackupError,
    BackupInfo,
    backup_folder,
    backups_in,
    describe,
    latest_backup,
    latest_good_backup,
    make_backup,
    mirror,
)
from app.db import Store, StoreError, quick_check, sqlite_problems
from app.i18n import N_, _
from app.services import clock
from app.ui import widgets
from app.ui.operations import BackgroundOp

log = logging.getLogger("branchdesk.ui.backup")

SECOND_FOLDER_KEY = "backup/second_folder"
FULL_CHECK_KEY = "checks/last_full/"
CHECK_EVERY_MS = 60_000  # how often the timer asks whether a backup is due

TABLE_LABELS = {
    "staff": N_("Staff"),
    "meeting": N_("Meetings"),
    "punch": N_("Punches"),
    "customer": N_("Customers"),
    "weekly_summary": N_("Weekly summaries"),
}


def second_folder() -> Path | None:
    """The optional second backup folder of this PC (e.g. a USB drive)."""
    value = widgets.ui_settings().value(SECOND_FOLDER_KEY, "")
    return Path(str(value)) if value else None


def set_second_folder(folder: Path | None) -> None:
    widgets.ui_settings().setValue(SECOND_FOLDER_KEY, str(folder) if folder else "")


def backup_folders(store_path: Path) -> list[Path]:
    folders = [backup_folder(store_path)]
    extra = second_folder()
    if extra is not None and extra.is_dir() and extra not in folders:
        folders.append(extra)
    return folders


def _when(info_at: object, tz: str) -> str:
    if not isinstance(info_at, datetime):
        return _("unknown date")
    return clock.to_branch_time(info_at, tz).strftime("%Y-%m-%d %H:%M")


def describe_text(info: BackupInfo, tz: str) -> str:
    """The preview: when, which branches, how many rows of what."""
    rows = [
        _("Made: {when}").format(when=_when(info.made_at, tz)),
        _("Branches: {names}").format(names=", ".join(info.branches) or "-"),
    ]
    for table, count in info.counts.items():
        label = _(TABLE_LABELS[table]) if table in TABLE_LABELS else table
        rows.append(_("{table}: {count}").format(table=label, count=count))
    rows.append(_("File: {path}").format(path=info.path))
    return "\n".join(rows)


# --- automatic backups -------------------------------------------------------------------


class BackupScheduler(QObject):
    """Automatic backups of one open store: at start once a day, every 30 minutes while
    changes are made, and on exit after changes. Failures are reported, never raised."""

    note = Signal(str)  # for the status bar: a backup was made, a folder was skipped
    warning = Signal(str)  # an automatic backup failed

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        path = store.path
        self.folder = backup_folder(path) if path is not None else None
        self.state = AutoBackup(
            latest_backup(self.folder) if self.folder else None, store.changes, clock.DEFAULT_TZ
        )
        self.busy = False
        self.last_warning = ""
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.tick)

    @property
    def enabled(self) -> bool:
        return self.folder is not None and self.store.is_sqlite and not self.store.read_only

    def start(self, backup_today: bool = True) -> None:
        if not self.enabled:
            return
        self.timer.start()
        if backup_today and self.state.due_at_start(clock.now_utc()):
            self.run()

    def tick(self) -> None:
        if self.enabled and self.state.due_while_working(clock.now_utc(), self.store.changes):
            self.run()

    def stop(self) -> None:
        """No more backups from this scheduler; waits for one that is being made."""
        self.timer.stop()
        QThreadPool.globalInstance().waitForDone(30_000)

    def at_exit(self) -> None:
        """On exit: a backup when anything changed, made here and now (not in a thread:
        the app is about to go)."""
        self.stop()
        if self.enabled and self.state.due_at_exit(self.store.changes):
            self.run(background=False)

    def work(self) -> Callable[..., tuple[Path, list[str]]]:
        """The copy itself, safe to run on a worker thread (plain sqlite3, no Qt)."""
        assert self.store.path is not None and self.folder is not None
        source, folder, extra = self.store.path, self.folder, second_folder()
        key = self.store.passphrase

        def copy(*_args: object) -> tuple[Path, list[str]]:
            made = make_backup(source, folder, clock.now_utc(), passphrase=key)
            notes: list[str] = []
            if extra is not None:
                if not extra.is_dir():
                    notes.append(
                        _(
                            "The second backup folder {folder} is not available; "
                            "the copy there was skipped."
                        ).format(folder=extra)
                    )
                else:
                    try:
                        mirror(made, extra, passphrase=key)
                    except (BackupError, OSError) as exc:
                        notes.append(
                            _("The copy in the second backup folder failed: {reason}").format(
                                reason=exc
                            )
                        )
            return made, notes

        return copy

    def run(
        self,
        background: bool = True,
        parent: QWidget | None = None,
        label: str | None = None,
        on_done: Callable[[Path], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        if self.busy:
            return
        self.busy = True
        changes = self.store.changes  # later changes go into the next backup
        started = clock.now_utc()

        def done(result: tuple[Path, list[str]]) -> None:
            self.busy = False
            made, notes = result
            self.state.made(started.replace(microsecond=0), changes)
            self.last_warning = ""
            for line in [
                _("Backed up to {file}.").format(file=made),
                *notes,
            ]:
                self.note.emit(line)
            if on_done is not None:
                on_done(made)

        def failed(exc: Exception) -> None:
            self.busy = False
            if not isinstance(exc, (BackupError, OSError, sqlite3.Error)):
                raise exc
            text = _("The automatic backup failed: {reason}").format(reason=exc)
            log.warning("backup failed: %s", exc)
            if on_error is not None:
                on_error(str(exc))
                return
            self.last_warning = text
            self.warning.emit(text)

        if not background:
            try:
                result = self.work()()
            except Exception as exc:
                failed(exc)
            else:
                done(result)
            return
        BackgroundOp(parent, self.work(), label).success(done).failure(failed).run()


def back_up_now(parent: QWidget, scheduler: BackupScheduler) -> None:
    """File → Back up now: with a progress dialog, and a message either way."""
    if not scheduler.enabled:
        widgets.show_error(parent, _("This data cannot be backed up here."))
        return
    scheduler.run(
        parent=parent,
        label=_("Backing up…"),
        on_done=lambda made: widgets.show_info(
            parent, _("Backup written to {file}; its integrity check passed.").format(file=made)
        ),
        on_error=lambda reason: widgets.show_error(
            parent, _("The backup failed: {reason}").format(reason=reason)
        ),
    )


# --- start-up checks ---------------------------------------------------------------------


def startup_problems(store: Store) -> list[str]:
    """quick_check at every start, a full integrity check once a day per data file."""
    if not store.is_sqlite or store.path is None:
        return []
    problems = quick_check(store)
    if problems:
        return problems
    saved = widgets.ui_settings()
    key = FULL_CHECK_KEY + hashlib.sha256(str(store.path.resolve()).encode()).hexdigest()[:16]
    today = clock.branch_today().isoformat()
    if saved.value(key, "") != today:
        try:
            problems = sqlite_problems(store)
        except Exception as exc:  # a file too damaged for the check itself
            if not isinstance(exc, (sqlite3.Error, StoreError)) and "malformed" not in str(exc):
                raise
            problems = [_("Integrity check: {line}").format(line=exc)]
        if not problems:
            saved.setValue(key, today)
    return problems


def offer_restore(
    parent: QWidget | None, store_path: Path, problems: list[str], passphrase: str | None = None
) -> Path | None:
    """The data file is damaged: offer the newest good backup. Returns the backup the
    user chose to restore, or None."""
    shown = "\n".join(problems[:8]) + ("\n…" if len(problems) > 8 else "")
    good = latest_good_backup(backup_folders(store_path), passphrase=passphrase)
    if good is None:
        widgets.show_error(
            parent,
            _(
                "The data file {path} is damaged:\n{problems}\n\nIt was opened read-only. "
                "No good backup was found in {folder}; copy the file somewhere safe and "
                "ask for help."
            ).format(path=store_path, problems=shown, folder=backup_folder(store_path)),
        )
        return None
    question = _(
        "The data file {path} is damaged:\n{problems}\n\nIt was opened read-only. Restore "
        "the latest good backup, made {when} ({branches})? The damaged file is kept "
        "beside it."
    ).format(
        path=store_path,
        problems=shown,
        when=_when(good.made_at, clock.DEFAULT_TZ),
        branches=", ".join(good.branches) or "-",
    )
    return good.path if widgets.confirm(parent, question) else None


# --- the dialog --------------------------------------------------------------------------


class BackupsDialog(QDialog):
    """The backups of this data file, newest first, with a preview; restore one, or a
    file from elsewhere. `restoreRequested(path)` asks the shell to do it."""

    restoreRequested = Signal(object)

    def __init__(self, store: Store, tz: str = clock.DEFAULT_TZ, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.tz = tz
        self.chosen: Path | None = None
        self._infos: dict[Path, BackupInfo | str] = {}
        self.setWindowTitle(_("Backups and restore"))
        self.resize(760, 480)

        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(_("Backups and restore"), 1.3, self))
        assert store.path is not None
        self.folder = backup_folder(store.path)
        layout.addWidget(
            widgets.muted(
                _(
                    "A backup is made when the app starts (once a day), every 30 minutes "
                    "while you work and when you quit. They are kept in {folder}."
                ).format(folder=self.folder),
                self,
            )
        )
        row = QHBoxLayout()
        self.list = QListWidget(self)
        self.list.currentItemChanged.connect(self._selected)
        row.addWidget(self.list, 2)
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        card = widgets.Card(self)
        card.body.addWidget(widgets.heading(_("Preview"), 1.1, card))
        card.body.addWidget(self.preview, 1)
        row.addWidget(card, 3)
        layout.addLayout(row, 1)

        second = QHBoxLayout()
        self.second_label = QLabel(self)
        self.second_label.setWordWrap(True)
        second.addWidget(self.second_label, 1)
        self.choose_second = QPushButton(_("Second folder…"), self)
        self.choose_second.clicked.connect(self.choose_second_folder)
        second.addWidget(self.choose_second)
        self.clear_second = QPushButton(_("No second folder"), self)
        self.clear_second.clicked.connect(lambda: self.set_second(None))
        second.addWidget(self.clear_second)
        layout.addLayout(second)

        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton(
            _("&Restore…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.clicked.connect(self.restore_selected)
        self.from_file_button = buttons.addButton(
            _("Restore from &file…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.from_file_button.clicked.connect(self.restore_from_file)
        close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    # --- content ---------------------------------------------------------------------

    def refresh(self) -> None:
        extra = second_folder()
        self.second_label.setText(
            _("Second backup folder: {folder}").format(folder=extra)
            if extra
            else _("No second backup folder (e.g. a USB drive) is set.")
        )
        self.clear_second.setEnabled(extra is not None)
        found: dict[Path, datetime] = {}
        assert self.store.path is not None
        for folder in backup_folders(self.store.path):
            for at, path in backups_in(folder).items():
                found[path] = at
        self.list.clear()
        for path, at in sorted(found.items(), key=lambda kv: kv[1], reverse=True):
            where = _("second folder") if path.parent != self.folder else _("backups folder")
            item = QListWidgetItem(f"{_when(at, self.tz)}  ·  {where}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.preview.setText(_("There are no backups yet."))
        self.restore_button.setEnabled(self.list.count() > 0)

    def info(self, path: Path) -> BackupInfo | str:
        """describe(), remembered: it runs an integrity check over the whole file."""
        if path not in self._infos:
            try:
                self._infos[path] = describe(path, passphrase=self.store.passphrase)
            except BackupError as exc:
                self._infos[path] = str(exc)
        return self._infos[path]

    def selected_path(self) -> Path | None:
        item = self.list.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _selected(self, *_args: object) -> None:
        path = self.selected_path()
        if path is None:
            return
        info = self.info(path)
        if isinstance(info, str):
            self.preview.setText(_("This backup cannot be restored:\n{reason}").format(reason=info))
            self.restore_button.setEnabled(False)
        else:
            self.preview.setText(describe_text(info, self.tz))
            self.restore_button.setEnabled(True)

    # --- second folder ---------------------------------------------------------------

    def choose_second_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose a second backup folder"), str(second_folder() or Path.home())
        )
        if folder:
            self.set_second(Path(folder))

    def set_second(self, folder: Path | None) -> None:
        set_second_folder(folder)
        self.refresh()

    # --- restoring -------------------------------------------------------------------

    def restore_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.ask_restore(path)

    def restore_from_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Restore from a backup file"),
            str(self.folder),
            _("BranchDesk data (*.sqlite3 *.db);;All files (*)"),
        )
        if name:
            self.ask_restore(Path(name))

    def ask_restore(self, path: Path) -> None:
        """Refusals (damaged, foreign, newer) are shown and change nothing."""
        self._infos.pop(path, None)  # check again: the file may have changed since
        info = self.info(path)
        if isinstance(info, str):
            widgets.show_error(self, info)
            return
        question = _(
            "Replace the current data with the backup made {when} ({branches})?\n\n"
            "The current data is backed up first; you will then sign in again."
        ).format(when=_when(info.made_at, self.tz), branches=", ".join(info.branches) or "-")
        if not widgets.confirm(self, question):
            return
        self.chosen = path
        self.accept()
        self.restoreRequested.emit(path)


def restored_message(info: BackupInfo, kept: Path | None, damaged: bool) -> str:
    """What the user is told at the login window after a restore."""
    text = _("The backup made {when} ({branches}) was restored.").format(
        when=_when(info.made_at, clock.DEFAULT_TZ), branches=", ".join(info.branches) or "-"
    )
    if kept is not None:
        text += " " + (
            _("The damaged file is kept as {file}.")
            if damaged
            else _("The data as it was before is kept in {file}.")
        ).format(file=kept)
    return text + " " + _("Please sign in again.")
