from tenant_app.services.deals import vin_problem


def test_valid_vins_pass():
    # published examples: the first has X as its check digit
    for vin in ("1M8GDM9AXKP042788", "1HGCM82633A004352", "LZZ5BLSJ1HN123456", "lzz5blsj1hn123456"):
        assert vin_problem(vin) is None, vin


def test_invalid_vins_say_why():
    assert "17" in vin_problem("1HGCM82633A00435")
    assert "I、O、Q" in vin_problem("1HGCM82633A00435O")
    assert "校验位" in vin_problem("1HGCM82643A004352")
    assert "校验位" in vin_problem("LZZ5BLSJ2HN123456")
