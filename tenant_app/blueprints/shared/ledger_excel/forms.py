from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from ...fields import FlaskForm


class ImportForm(FlaskForm):
    file = FileField(_l("台帐文件（.xlsx）"), validators=[FileRequired(_l("请选择文件。")),
                                                     FileAllowed(["xlsx"], _l("只接受 .xlsx 文件。"))])


class ConfirmImportForm(FlaskForm):
    """Only the CSRF token: what is imported is the checked job's file."""
