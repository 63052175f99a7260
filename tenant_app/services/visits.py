"""Proof of a visit: a callback made in person (上门拜访, 上门回访) is checked in with where the
phone was (the browser's geolocation, or the fact it was refused or unavailable) and the photos
taken there. Photos are re-encoded here: no metadata (EXIF, GPS) survives, the longer side is at
most MAX_SIDE. The customer's site comes from its first located visit; a later check-in farther
than the network's threshold from it is flagged for the maker's callback verification."""
from __future__ import annotations

import hashlib
import io
import math
import os
import re

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from ..extensions import db
from ..models import Callback, Customer, Network, VisitCheckIn, VisitPhoto
from . import audit
from .errors import DomainError

VISIT_METHODS = ("visit", "home_callback")
STATUSES = ("located", "refused", "unavailable")
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 15 * 1024 * 1024  # a phone's camera: a few MB each
MAX_PIXELS = 50_000_000             # more is a decompression bomb, not a photo
MAX_SIDE = 1600
EARTH_RADIUS_M = 6_371_000


class VisitError(DomainError):
    pass


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def is_far(distance: float | None, threshold_m: int) -> bool:
    """Farther than the threshold (at it is not far)."""
    return distance is not None and distance > threshold_m


def _location(lat, lon, accuracy) -> tuple[float, float, float | None] | None:
    try:
        lat, lon = float(lat), float(lon)
        accuracy = float(accuracy) if accuracy not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if accuracy is not None and not (math.isfinite(accuracy) and 0 <= accuracy < 1_000_000):
        accuracy = None
    return lat, lon, accuracy


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """The photo as a JPEG without metadata, upright, its longer side at most MAX_SIDE."""
    if len(data) > MAX_PHOTO_BYTES:
        raise VisitError(_l("照片过大（每张最多 %(n)s MB）。", n=MAX_PHOTO_BYTES // 2**20))
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > MAX_PIXELS:
                raise VisitError(_l("照片像素过多，无法处理。"))
            im = ImageOps.exif_transpose(im)  # turned as the camera held it, before the EXIF goes
            im = im.convert("RGB")
            im.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            im.save(out, "JPEG", quality=82, optimize=True)  # no exif= given: none is written
            return out.getvalue(), im.width, im.height
    except VisitError:
        raise
    except Image.DecompressionBombError:
        raise VisitError(_l("照片像素过多，无法处理。"))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise VisitError(_l("上传的文件不是可识别的照片。"))


def check_in(callback: Callback, customer: Customer, *, status: str, lat=None, lon=None, accuracy=None,
             photos: list[bytes] = (), store: str, recorded_at=None) -> VisitCheckIn | None:
    """Record where a visit was recorded from, with its photos (written under `store` once
    they are all read: a refused photo saves nothing). Other methods are not visits: None."""
    if callback.method not in VISIT_METHODS:
        return None
    if len(photos) > MAX_PHOTOS:
        raise VisitError(_l("每次最多上传 %(n)s 张照片。", n=MAX_PHOTOS))
    encoded = [reencode(p) for p in photos]
    where = _location(lat, lon, accuracy) if status == "located" else None
    checkin = VisitCheckIn(network_id=callback.network_id, org_id=callback.org_id, callback_id=callback.id,
                           status="located" if where else (status if status in STATUSES else "unavailable"))
    if recorded_at is not None:  # a callback recorded offline keeps the phone's time
        checkin.recorded_at = recorded_at
    if where:
        checkin.lat, checkin.lon, checkin.accuracy_m = where
        if customer.site_lat is None:  # the first located visit tells where the customer is
            customer.site_lat, customer.site_lon = checkin.lat, checkin.lon
        checkin.distance_m = round(distance_m(customer.site_lat, customer.site_lon, checkin.lat, checkin.lon), 1)
        checkin.far = is_far(checkin.distance_m, db.session.get(Network, callback.network_id).visit_far_m)
    db.session.add(checkin)
    db.session.flush()
    folder = os.path.join(store, str(callback.network_id), str(callback.org_id))
    os.makedirs(folder, exist_ok=True)
    for jpeg, width, height in encoded:
        digest = hashlib.sha256(jpeg).hexdigest()
        path = os.path.join(folder, f"{digest}.jpg")
        with open(path, "wb") as f:
            f.write(jpeg)
        checkin.photos.append(VisitPhoto(network_id=callback.network_id, org_id=callback.org_id, path=path,
                                         sha256=digest, width=width, height=height, bytes=len(jpeg)))
    return checkin


def set_site(customer: Customer, lat, lon) -> None:
    """The customer's site set by hand (a map pin read off, say); audited."""
    where = _location(lat, lon, None)
    if where is None:
        raise VisitError(_l("请输入有效的纬度和经度。"))
    before = [customer.site_lat, customer.site_lon]
    customer.site_lat, customer.site_lon = round(where[0], 6), round(where[1], 6)
    audit.record("update", network_id=customer.network_id, obj=customer, summary="site",
                 changes={"site": [before, [customer.site_lat, customer.site_lon]]})


def parse_site(text: str) -> tuple[str, str]:
    """'24.3264, 109.4281' as a map app copies it (a full-width comma or spaces will do too)."""
    parts = [p for p in re.split(r"[\s,，;；]+", (text or "").strip()) if p]
    if len(parts) != 2:
        raise VisitError(_l("请按“纬度, 经度”输入，例如 24.3264, 109.4281。"))
    return parts[0], parts[1]


def set_threshold(network: Network, metres) -> None:
    try:
        metres = int(metres)
    except (TypeError, ValueError):
        metres = -1
    if not 50 <= metres <= 100_000:
        raise VisitError(_l("距离阈值须在 50 到 100000 米之间。"))
    audit.record("update", network_id=network.id, obj=network, changes={"visit_far_m": [network.visit_far_m, metres]})
    network.visit_far_m = metres


def read_photo(photo: VisitPhoto) -> bytes | None:
    """The stored photo if it is still the one recorded (its SHA-256), else None."""
    try:
        with open(photo.path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == photo.sha256 else None
