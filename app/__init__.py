"""BranchDesk (网点管家): a branch supervisor's desktop."""

__version__ = "0.1.0"
APP_NAME = "BranchDesk"
