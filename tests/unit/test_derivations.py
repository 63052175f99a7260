"""Segment, class and years on the brand, derived from random fleets (property tests)."""
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.services.ledger import derive_from, name_key, phone_digits

rows = st.lists(st.tuples(st.booleans(), st.integers(0, 60), st.booleans(), st.none() | st.integers(1990, 2026)),
                max_size=6)


@given(rows, st.booleans())
def test_segment_follows_the_fleet(fleet, industry):
    d = derive_from(fleet, industry)
    own = any(is_own and q > 0 for is_own, q, _, _ in fleet)
    other = any(not is_own and q > 0 for is_own, q, _, _ in fleet)
    assert d.segment == ("own_old" if own else "rival_old" if other else "new")
    assert d.own_units == sum(q for is_own, q, _, _ in fleet if is_own)


@given(rows, st.booleans())
def test_class_by_heavy_trucks_held_unless_flagged(fleet, industry):
    d = derive_from(fleet, industry)
    heavy = sum(q for _, q, h, _ in fleet if h)
    assert d.heavy_units == heavy
    if industry:
        assert d.klass == "industry_major"
    elif heavy >= 20:
        assert d.klass == "key_major"
    elif heavy >= 5:
        assert d.klass == "general_major"
    else:
        assert d.klass == "retail"


@given(rows)
def test_years_on_the_brand_come_from_the_oldest_line_in_use(fleet):
    d = derive_from(fleet, False)
    own_years = [s for is_own, q, _, s in fleet if is_own and q > 0 and s]
    assert d.own_since == (min(own_years) if own_years else None)
    assert d.fleet_since is None or all(d.fleet_since <= s for _, q, _, s in fleet if q > 0 and s)


def test_thresholds_at_the_edges():
    assert derive_from([(False, 4, True, None)], False).klass == "retail"
    assert derive_from([(False, 5, True, None)], False).klass == "general_major"
    assert derive_from([(False, 19, True, None)], False).klass == "general_major"
    assert derive_from([(True, 20, True, None)], False).klass == "key_major"
    assert derive_from([(True, 30, False, None)], False).klass == "retail", "light trucks do not count"


@given(st.text(max_size=30))
def test_name_key_ignores_width_space_and_punctuation(name):
    assert name_key(name) == name_key(" " + name + "  ")


def test_phone_digits():
    assert phone_digits("138 1234 5678") == phone_digits("138-1234-5678") == "13812345678"
    assert phone_digits("+86 138 1234 5678") == "13812345678"
    assert phone_digits("１３８１２３４５６７８") == "13812345678"
    assert name_key("柳州市 鸿运物流（有限公司）") == name_key("柳州市鸿运物流(有限公司)")
