"""First run: from an empty store to a signed-in supervisor, or to the demo branch."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QWidget, QWizard
from pytestqt.qtbot import QtBot

from app.db import Store
from app.i18n import _
from app.models import Branch, User
from app.services import setup
from app.ui.app import Shell
from app.ui.wizard import BRANCH_PAGE, CHOICE_PAGE, SUPERVISOR_PAGE, SetupWizard


def make_wizard(qtbot: QtBot, store: Store) -> SetupWizard:
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def click(qtbot: QtBot, wizard: SetupWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


TypeText = Callable[[QWidget, str], None]


def fill_branch(wizard: SetupWizard, type_text: TypeText) -> None:
    page = wizard.branch_page
    type_text(page.name, "城南支行")
    type_text(page.address, "解放路 1 号")
    page.template.setCurrentIndex(page.template.findData(setup.RulesTemplate.BAR.value))


def fill_supervisor(
    qtbot: QtBot, wizard: SetupWizard, type_text: TypeText, repeat: str = "secret1"
) -> None:
    page = wizard.supervisor_page
    qtbot.keyClicks(page.username, "wang")
    type_text(page.display_name, "王主管")
    qtbot.keyClicks(page.password, "secret1")
    qtbot.keyClicks(page.password_repeat, repeat)


def branch_count(store: Store) -> int:
    with store.reading() as session:
        return len(session.query(Branch).all())


def test_happy_path_creates_the_branch_and_signs_in(
    qtbot: QtBot, store: Store, type_text: TypeText
) -> None:
    wizard = make_wizard(qtbot, store)
    assert wizard.currentId() == CHOICE_PAGE
    assert wizard.choice_page.own.isChecked()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == BRANCH_PAGE
    assert wizard.branch_page.timezone.currentText() == "Asia/Shanghai"
    fill_branch(wizard, type_text)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == SUPERVISOR_PAGE
    fill_supervisor(qtbot, wizard, type_text)
    assert wizard.button(QWizard.WizardButton.FinishButton).text() == "创建网点"
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.actor is not None and wizard.actor.display_name == "王主管"
    with store.reading() as session:
        branch = setup.current_branch(session, wizard.actor)
        assert (branch.name, branch.address, branch.rules_template) == (
            "城南支行",
            "解放路 1 号",
            "bar",
        )


def test_mismatching_passwords_are_shown_and_nothing_is_stored(
    qtbot: QtBot, store: Store, type_text: TypeText
) -> None:
    wizard = make_wizard(qtbot, store)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_branch(wizard, type_text)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_supervisor(qtbot, wizard, type_text, repeat="secret2")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)

    page = wizard.supervisor_page
    assert wizard.currentId() == SUPERVISOR_PAGE and wizard.isVisible()
    assert page.error.isVisible()
    assert page.error.text() == "两次输入的密码不一致。"
    assert page.focusWidget() is page.password_repeat
    assert branch_count(store) == 0

    page.password_repeat.clear()
    qtbot.keyClicks(page.password_repeat, "secret1")
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.actor is not None
    assert branch_count(store) == 1


def test_branch_name_is_required_on_its_page(
    qtbot: QtBot, store: Store, type_text: TypeText
) -> None:
    wizard = make_wizard(qtbot, store)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == BRANCH_PAGE
    assert wizard.branch_page.error.text() == _("Enter the branch name.")

    wizard.branch_page.timezone.setCurrentText("Mars/Olympus")
    type_text(wizard.branch_page.name, "城南支行")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentId() == BRANCH_PAGE
    assert "Mars/Olympus" in wizard.branch_page.error.text()


def test_demo_choice_builds_the_demo_branch(qtbot: QtBot, store: Store) -> None:
    pytest.importorskip("app.services.demo")
    wizard = make_wizard(qtbot, store)
    demo = wizard.choice_page.demo
    # On the label, as a user would: the button itself is as wide as the page.
    qtbot.mouseClick(demo, Qt.MouseButton.LeftButton, pos=QPoint(10, demo.height() // 2))
    assert wizard.choice_page.demo.isChecked()
    assert wizard.button(QWizard.WizardButton.FinishButton).text() == "打开演示网点"
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.demo and wizard.actor is None
    with store.reading() as session:
        assert session.query(User).filter_by(username="demo").one().role == "supervisor"


def test_shell_leads_an_empty_store_through_the_wizard(
    qtbot: QtBot, store_url: str, store: Store, type_text: TypeText
) -> None:
    shell = Shell(store_url, idle_timeout_ms=60_000)
    qtbot.addWidget(shell.login)
    shell.start()
    qtbot.waitUntil(lambda: shell.wizard is not None and shell.wizard.isVisible())
    wizard = shell.wizard
    assert wizard is not None
    assert not shell.login.isVisible()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_branch(wizard, type_text)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_supervisor(qtbot, wizard, type_text)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)

    window = shell.window
    assert window is not None and window.isVisible()
    assert window.windowTitle() == "网点管家 — 城南支行"
    window.close()
    shell.close()


def test_shell_demo_goes_to_the_login_with_demo_filled_in(
    qtbot: QtBot, store_url: str, store: Store
) -> None:
    pytest.importorskip("app.services.demo")
    shell = Shell(store_url, idle_timeout_ms=60_000)
    qtbot.addWidget(shell.login)
    shell.start()
    qtbot.waitUntil(lambda: shell.wizard is not None and shell.wizard.isVisible())
    wizard = shell.wizard
    assert wizard is not None
    wizard.choice_page.demo.setChecked(True)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert shell.login.isVisible() and shell.login.sign_in_button.isEnabled()
    assert shell.login.username.text() == "demo"
    qtbot.keyClicks(shell.login.password, "demo")
    qtbot.keyClick(shell.login.password, Qt.Key.Key_Return)
    assert shell.window is not None and shell.window.actor.username == "demo"
    shell.window.close()
    shell.close()
