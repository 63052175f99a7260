"""Phones the user may see whole are tap-to-call links with a text-message link beside them;
masked phones are plain text, never a link."""
import re

from tests import factories


def test_whole_numbers_are_tel_and_sms_links_masked_ones_are_not(build, login_as):
    with build() as s:
        shop = factories.org("dealer")
        sales = factories.user(shop, "sales_manager")
        customer = factories.customer(shop, "拨号测试客户", phone_number="13812345678", responsible=sales)
        hq_admin = factories.user(factories.manufacturer(), "network_admin")
        customer_id, org_id, user, admin = customer.id, shop.id, sales.username, hq_admin.username
    dealer = login_as(user)
    for url in (f"/d/customers/{customer_id}", f"/d/customers/{customer_id}/callbacks/new", "/d/customers?q=拨号测试"):
        html = dealer.get(url).get_data(as_text=True)
        assert 'href="tel:13812345678"' in html and 'href="sms:13812345678"' in html, url
        assert re.search(r'href="tel:13812345678"[^>]*>138 1234 5678</a>', html), url
    maker = login_as(admin).get(f"/m/dealers/{org_id}/customers/{customer_id}").get_data(as_text=True)
    assert "1234" not in maker.split('data-test="phone"')[1][:80], "the maker sees it masked"
    assert "tel:" not in maker and "sms:" not in maker, "a masked number is no link"
