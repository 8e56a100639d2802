"""First run: from an empty store to a working branch in a few questions.

Page 1 chooses between setting up one's own branch and trying the demo branch;
the branch and supervisor pages ask only what is needed to start. Every check is
`setup.validate`'s, shown in red on the page that holds the wrong input.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.db import Store
from app.i18n import _
from app.services import setup
from app.services.auth import Actor
from app.services.clock import DEFAULT_TZ
from app.services.errors import ServiceError, ValidationError
from app.ui import widgets

# Mainland China first; the field stays editable for any IANA zone.
COMMON_TIMEZONES = [
    "Asia/Shanghai",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "UTC",
]

CHOICE_PAGE, BRANCH_PAGE, SUPERVISOR_PAGE = range(3)


class _Page(QWizardPage):
    """A wizard page with a red error line and a way to point at the wrong input."""

    def __init__(self, title: str, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        size = max(12.0, QApplication.font().pointSizeF() * 1.4)
        self.setTitle(f"<b style='font-size: {size:.0f}pt;'>{escape(title)}</b>")
        self.setSubTitle(subtitle)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(12)
        self.fields: dict[str, QWidget] = {}
        self.error = widgets.ErrorLabel(self)

    def add_form(self, form: QFormLayout) -> None:
        # The error sits right under the inputs it is about.
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.error)

    def finish_layout(self) -> None:
        self.layout_.addStretch(1)

    def show_error(self, message: str, field: str | None) -> None:
        for widget in self.fields.values():
            widgets.mark_invalid(widget, False)
        self.error.show_error(message)
        target = self.fields.get(field or "")
        if target is not None:
            widgets.mark_invalid(target, True)
            target.setFocus()

    def clear_error(self) -> None:
        for widget in self.fields.values():
            widgets.mark_invalid(widget, False)
        self.error.clear_error()


class ChoicePage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            _("Welcome to BranchDesk"),
            _("This data file holds no branch yet. What would you like to do?"),
        )
        self.wizard_ = wizard
        self.own = QRadioButton(_("Set up my branch"), self)
        self.own.setFont(widgets.scaled_font(self.own, 1.15, bold=True))
        self.demo = QRadioButton(_("Try the demo branch"), self)
        self.demo.setFont(widgets.scaled_font(self.demo, 1.15, bold=True))
        group = QButtonGroup(self)
        group.addButton(self.own)
        group.addButton(self.demo)
        self.own.setChecked(True)
        self.layout_.addWidget(self.own)
        self.layout_.addWidget(
            _indented(
                _(
                    "Enter your branch's name and your own sign-in. Takes about a minute; "
                    "staff, meetings and rules can be added afterwards."
                )
            )
        )
        self.layout_.addSpacing(8)
        self.layout_.addWidget(self.demo)
        self.layout_.addWidget(
            _indented(
                _(
                    "A made-up branch with a dozen account managers to look around in. "
                    "Sign in as user “demo” with password “demo”."
                )
            )
        )
        self.layout_.addWidget(self.error)
        self.finish_layout()
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Open the demo"))
        # The demo ends the wizard here: "Finish" instead of "Next". setFinalPage makes
        # QWizard ask nextId() again (completeChanged would not).
        self.demo.toggled.connect(self.setFinalPage)

    def nextId(self) -> int:
        return -1 if self.demo.isChecked() else BRANCH_PAGE

    def validatePage(self) -> bool:
        if self.demo.isChecked():
            return self.wizard_.create_demo()
        return True


class BranchPage(_Page):
    def __init__(self) -> None:
        super().__init__(
            _("Your branch"),
            _("The office or venue you supervise. Everything you record belongs to it."),
        )
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("e.g. 城南支行"))
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(_("optional"))
        self.timezone = QComboBox(self)
        self.timezone.setEditable(True)
        self.timezone.addItems(COMMON_TIMEZONES)
        self.timezone.setCurrentText(DEFAULT_TZ)
        self.template = QComboBox(self)
        for template, label in setup.TEMPLATE_LABELS.items():
            self.template.addItem(_(label), template.value)
        form.addRow(_("Branch &name:"), self.name)
        form.addRow(_("&Address:"), self.address)
        form.addRow(_("&Time zone:"), self.timezone)
        form.addRow(_("&Working hours:"), self.template)
        self.add_form(form)
        self.layout_.addWidget(
            widgets.muted(
                _(
                    "The working hours template fills in the attendance rules; "
                    "you can change them later."
                ),
                self,
            )
        )
        self.fields = {
            "branch_name": self.name,
            "address": self.address,
            "timezone": self.timezone,
            "rules_template": self.template,
        }
        self.finish_layout()

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        return wizard.check(self, stand_in_supervisor=True)


class SupervisorPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            _("Your sign-in"),
            _("You are the branch supervisor. Choose the user name and password you will use."),
        )
        self.wizard_ = wizard
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(_("e.g. zhangsan"))
        self.display_name = QLineEdit(self)
        self.display_name.setPlaceholderText(_("e.g. 张三"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_repeat = QLineEdit(self)
        self.password_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("&User name:"), self.username)
        form.addRow(_("&Display name:"), self.display_name)
        form.addRow(_("&Password:"), self.password)
        form.addRow(_("&Repeat password:"), self.password_repeat)
        self.add_form(form)
        self.layout_.addWidget(
            widgets.muted(
                _(
                    "The window locks itself when nobody uses it for a while; "
                    "this password unlocks it."
                ),
                self,
            )
        )
        self.fields = {
            "username": self.username,
            "display_name": self.display_name,
            "password": self.password,
            "password_repeat": self.password_repeat,
        }
        self.finish_layout()
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Create the branch"))

    def validatePage(self) -> bool:
        return self.wizard_.finish_setup()


def _indented(text: str) -> QLabel:
    label = widgets.muted(text)
    label.setContentsMargins(26, 0, 0, 0)
    return label


class SetupWizard(QWizard):
    """Ends accepted with either `actor` set (a new branch, signed in) or `demo` True."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.demo = False
        self.demo_user = ""
        self.setWindowTitle(_("BranchDesk — First start"))
        self.setWindowIcon(widgets.app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setTitleFormat(Qt.TextFormat.RichText)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, widgets.app_icon().pixmap(48, 48))
        self.choice_page = ChoicePage(self)
        self.branch_page = BranchPage()
        self.supervisor_page = SupervisorPage(self)
        self.setPage(CHOICE_PAGE, self.choice_page)
        self.setPage(BRANCH_PAGE, self.branch_page)
        self.setPage(SUPERVISOR_PAGE, self.supervisor_page)
        self.setStartId(CHOICE_PAGE)
        self.resize(640, 440)

    def branch_setup(self, stand_in_supervisor: bool = False) -> setup.BranchSetup:
        b, s = self.branch_page, self.supervisor_page
        data = setup.BranchSetup(
            branch_name=b.name.text(),
            address=b.address.text(),
            timezone=b.timezone.currentText().strip(),
            rules_template=b.template.currentData(),
            supervisor_username=s.username.text(),
            supervisor_display_name=s.display_name.text(),
            password=s.password.text(),
            password_repeat=s.password_repeat.text(),
        )
        if stand_in_supervisor:
            # The branch page is checked before the sign-in is known.
            data.supervisor_username, data.password, data.password_repeat = "x", "xxxx", "xxxx"
        return data

    def _page_for(self, field: str | None) -> _Page:
        for page in (self.branch_page, self.supervisor_page):
            if field in page.fields:
                return page
        return self.supervisor_page

    def _show_error(self, exc: ServiceError, current: _Page) -> None:
        field = exc.field if isinstance(exc, ValidationError) else None
        page = self._page_for(field) if field else current
        if page is not current:
            current.clear_error()
            while self.currentPage() is not page and self.currentId() != CHOICE_PAGE:
                self.back()
        page.show_error(str(exc), field)

    def check(self, page: _Page, stand_in_supervisor: bool = False) -> bool:
        page.clear_error()
        try:
            setup.validate(self.branch_setup(stand_in_supervisor))
        except ValidationError as exc:
            self._show_error(exc, page)
            return False
        return True

    def finish_setup(self) -> bool:
        page = self.supervisor_page
        if not self.check(page):
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.store.transaction() as session:
                self.actor = setup.initialize(session, self.branch_setup())
        except ServiceError as exc:
            self._show_error(exc, page)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        return True

    def create_demo(self) -> bool:
        from app.services import demo

        page = self.choice_page
        page.clear_error()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.store.transaction() as session:
                demo.ensure_demo(session)
        except ServiceError as exc:
            page.show_error(str(exc), None)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.demo = True
        self.demo_user = demo.DEMO_USER
        return True
