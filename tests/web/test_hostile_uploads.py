"""Hostile .xlsx uploads inside the size limit: each is refused with a message that names its
limit (or, for a file that cannot be parsed, one message for people), never a 500, and
quickly: the check reads the zip's directory and streams what it must, never the whole.
The files are built here, part by part, small on disk."""
import io
import tracemalloc
import zipfile

import pytest
from sqlalchemy import select

from tenant_app.models import JobRecord
from tenant_app.services import ledger_excel, xlsx_check
from tests.web.test_ledger_excel import deck_file

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="台帐" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>客户名称</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>联系电话</t></is></c></row>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + ']>')


def sheet(rows: str = HEADER_ROW, dimension: str | None = None, head: str = '<?xml version="1.0"?>') -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{head}<worksheet {NS}>{dim}<sheetData>{rows}</sheetData></worksheet>'


def xlsx(sheet_xml=None, strings=None) -> bytes:
    """A minimal workbook. sheet_xml and strings: text, or an iterable of chunks (written
    to the zip as they come, so a large part never sits in memory)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, part in (("xl/worksheets/sheet1.xml", sheet_xml if sheet_xml is not None else sheet()),
                           ("xl/sharedStrings.xml", strings if strings is not None else f"<sst {NS}/>")):
            with z.open(name, "w", force_zip64=True) as f:
                for chunk in ([part] if isinstance(part, str) else part):
                    f.write(chunk.encode())
    return buf.getvalue()


def whitespace_sheet(megabytes: int):
    yield f'<?xml version="1.0"?><worksheet {NS}><sheetData>{HEADER_ROW}'
    for _ in range(megabytes):
        yield " " * (1024 * 1024)
    yield "</sheetData></worksheet>"


def shared_strings(n: int, declared: int | None = None):
    yield f'<sst {NS} count="{declared or n}" uniqueCount="{declared or n}">'
    for i in range(0, n, 1000):
        yield "".join(f"<si><t>{j}</t></si>" for j in range(i, min(i + 1000, n)))
    yield "</sst>"


def refused(data: bytes) -> str:
    """check_upload's message for data, with the Python memory it took at its peak (MB)."""
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        f.write(data)
        f.flush()
        tracemalloc.start()
        try:
            xlsx_check.check_upload(f.name, len(data))
        except xlsx_check.UploadRejected as e:
            message = str(e)
        else:
            message = ""
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"the check held {peak / 1e6:.0f} MB"
    return message


def test_a_sound_file_passes(app):
    with app.test_request_context():
        assert refused(xlsx()) == ""
        assert refused(deck_file([[1, "广西", "甲公司", "长途", "私有", "张伟", "13800000001"]])) == ""


def test_whitespace_padding_is_refused_by_its_compression_ratio(app):
    data = xlsx(whitespace_sheet(40))  # 40 MB of spaces; the file had 290 MB in 297 KB
    assert len(data) < 200_000
    with app.test_request_context():
        message = refused(data)
    assert "xl/worksheets/sheet1.xml" in message and "压缩比异常（超过 100 倍" in message


def test_a_part_over_its_size_is_refused_from_the_directory(app, monkeypatch):
    monkeypatch.setattr(xlsx_check, "MAX_STREAMED_PART_BYTES", 1024 * 1024)
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>客户{i}</t></is></c></row>' for i in range(2, 40_000))
    with app.test_request_context():
        assert "sheet1.xml 解压后过大（超过 1 MB）" in refused(xlsx(sheet(HEADER_ROW + rows)))
        # a part openpyxl parses whole has the smaller bound
        monkeypatch.setattr(xlsx_check, "MAX_WHOLE_PART_BYTES", 256)
        assert "[Content_Types].xml 解压后过大" in refused(xlsx())


def test_shared_strings_are_counted_not_loaded(app, monkeypatch):
    with app.test_request_context():
        # 16 M declared (the 662 KB file): refused at the first tag
        assert "不同的文字超过 2000000 条" in refused(xlsx(strings=shared_strings(100, declared=16_000_000)))
        # declared small, written many: counted as they stream, refused past the bound
        monkeypatch.setattr(xlsx_check, "MAX_SHARED_STRINGS", 5000)
        assert "不同的文字超过 5000 条" in refused(xlsx(strings=shared_strings(20_000, declared=10)))
        assert refused(xlsx(strings=shared_strings(5000))) == ""


def test_a_declared_range_beyond_the_bounds_is_refused(app):
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    with app.test_request_context():
        message = refused(xlsx(sheet(HEADER_ROW + far, dimension="A1:XFD1048576")))
        assert "工作表的范围 A1:XFD1048576 超过 200100 行或 256 列的上限" in message
        assert "256 列" in refused(xlsx(sheet(HEADER_ROW, dimension="A1:IW2")))
        assert refused(xlsx(sheet(HEADER_ROW, dimension="A1:B1"))) == ""


def test_entities_and_broken_xml_are_one_message_for_people(app):
    laughs_sheet = sheet(head=LAUGHS, rows='<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>')
    laughs_strings = LAUGHS + f"<sst {NS}><si><t>&lol9;</t></si></sst>"
    with app.test_request_context():
        for data in (xlsx(laughs_sheet), xlsx(strings=laughs_strings), xlsx(sheet().replace("<sheetData>", "<sheetData"))):
            message = refused(data)
            assert message.startswith("文件内容无法读取"), message
            assert "lol" not in message and "line" not in message and "entit" not in message.lower()


def _upload(client, data):
    return client.post("/d/customers/import", data={"file": (io.BytesIO(data), "台帐.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True)


def test_the_page_refuses_each_with_its_message_and_keeps_nothing(login_as, app, world, in_network):
    client = login_as("gx-lz-001.gm")
    with in_network(world["networks"]["liuqi"]) as s:
        before = s.scalar(select(JobRecord.id).order_by(JobRecord.id.desc()).limit(1))
    for data, words in ((xlsx(whitespace_sheet(20)), "压缩比异常"),
                        (xlsx(strings=shared_strings(10, declared=16_000_000)), "共享字符串"),
                        (xlsx(sheet(HEADER_ROW, dimension="A1:XFD1048576")), "A1:XFD1048576"),
                        (xlsx(sheet(head=LAUGHS)), "文件内容无法读取")):
        resp = _upload(client, data)
        page = resp.get_data(as_text=True)
        assert resp.status_code == 400 and words in page
    with in_network(world["networks"]["liuqi"]) as s:
        assert s.scalar(select(JobRecord.id).order_by(JobRecord.id.desc()).limit(1)) == before, "no job for a refusal"


def test_english_names_the_limit_too(login_as, new_user, new_org):
    client = login_as(new_user(new_org("GX-H")[0], "general_manager").username)
    client.post("/lang/en", data={"next": "/"})
    page = _upload(client, xlsx(sheet(HEADER_ROW, dimension="A1:XFD1048576"))).get_data(as_text=True)
    assert "over the limit of 200100 rows or 256 columns" in page


@pytest.mark.parametrize("cells, words", [
    # no declared range: a row as wide as its last cell
    ('<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="XFD2"><v>1</v></c></row>', "第 2 行超过 256 列"),
    # no declared range: the rows up to a far cell are read as empty, up to the bound
    ('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>甲</t></is></c></row>', "行数超过 200000 行"),
    # broken past the start of the data: found by the reading job, told in words
    ('<row r="2"><c r="A2"><v>1</c></row>', "文件内容无法读取"),
])
def test_what_only_reading_finds_fails_the_check_job_once_with_its_message(login_as, world, in_network, cells,
                                                                            words):
    client = login_as("gx-lz-001.gm")
    page = _upload(client, xlsx(sheet(HEADER_ROW + cells))).get_data(as_text=True)
    assert 'data-test="failed"' in page and words in page
    assert "Traceback" not in page and "mismatched" not in page
    with in_network(world["networks"]["liuqi"]) as s:
        job = s.scalars(select(JobRecord).where(JobRecord.kind == "ledger_check").order_by(JobRecord.id.desc())).first()
        assert (job.status, job.attempts) == ("failed", 1) and words in job.error
        assert job.result["refused"][0] in (ledger_excel.UNREADABLE, "第 %(row)s 行超过 %(cols)s 列的上限，已拒绝。请删除右侧多余的列后另存。",
                                            "行数超过 %(n)s 行，请分批导入。")
