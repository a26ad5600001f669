from jiangxuan.accounts.enums import Role


def test_smoke(client, seed_campaign, make_user):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    client.force_login(clerk)
    r = client.get("/campaigns/")
    assert r.status_code == 200, r.content.decode()[:3000]
    r = client.get(f"/campaigns/{campaign.code}/")
    assert r.status_code == 200
    __import__("pathlib").Path("/tmp/cd.html").write_text(r.content.decode())
    r = client.get(f"/nominations/new/?campaign={campaign.code}")
    __import__("pathlib").Path("/tmp/cr.html").write_text(r.content.decode())
    r = client.post("/nominations/new/", {"campaign": campaign.code, "award": "jishu-nengshou"})
    assert r.status_code == 302, r.content.decode()
    r = client.get(r.url)
    __import__("pathlib").Path("/tmp/ed.html").write_text(r.content.decode())
    assert r.status_code == 200
