"""QR codes for printed sheets (segno): an SVG as a data: URI, which the pages' CSP allows in <img>."""
import io

import segno


def svg_data_uri(text: str, scale: int = 4) -> str:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False)
    import base64
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")
