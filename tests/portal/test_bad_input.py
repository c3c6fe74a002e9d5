"""NUL bytes, unencodable characters and too many parameters: 400 with a Chinese reason, never 500."""

import json

import pytest
from django.test import Client

from portal.middleware import BAD_CHARACTERS_MESSAGE, TOO_MANY_FIELDS_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_client():
    return Client(raise_request_exception=False)  # a 500 is a response here, as the user sees it


def assert_api_refused(response, code="invalid_characters"):
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == code
    return body["detail"]


def assert_page_refused(response, text=BAD_CHARACTERS_MESSAGE):
    assert response.status_code == 400, response.content[:300]
    html = response.content.decode()
    assert "400 请求有误" in html and text in html


def test_nul_in_the_path_of_the_public_status_api(plain_client):
    detail = assert_api_refused(plain_client.get("/api/crackdown/public/status/AB%00CD/"))
    assert detail == BAD_CHARACTERS_MESSAGE == "请求中含有不允许的字符（如空字节或无法编码的字符），请检查后重新提交。"


def test_nul_in_a_page_query(plain_client, xizang_staff):
    plain_client.force_login(xizang_staff)
    assert_page_refused(plain_client.get("/crackdown/leads/check-name/", {"org_name": "a\x00b"}))
    assert_page_refused(plain_client.get("/crackdown/leads/?q%00=1"))  # in a parameter's name too
    # the same name without the NUL is answered
    assert plain_client.get("/crackdown/leads/check-name/", {"org_name": "ab"}).status_code == 200


def test_nul_in_the_public_status_page_query(plain_client):
    assert_page_refused(plain_client.get("/crackdown/public/status/", {"receipt": "AB\x00CD"}))


def test_nul_in_a_form_field(plain_client):
    assert_page_refused(plain_client.post("/accounts/login/", {"username": "xizang\x00staff", "password": "x"}))


def test_nul_in_a_multipart_field(plain_client, xizang_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plain_client.force_login(xizang_staff)
    upload = SimpleUploadedFile("清单.xlsx", b"PK\x03\x04\x00\x00", content_type="application/octet-stream")
    # the file's bytes may hold NUL (an xlsx is a zip); a text field may not
    assert_page_refused(plain_client.post("/aid/lists/1/upload/", {"file": upload, "note": "a\x00b"}))


def test_nul_and_lone_surrogates_in_api_json(plain_client, xizang_staff):
    plain_client.force_login(xizang_staff)
    for raw in ('{"org_name": "a\\u0000b"}', '{"org_name": "\\ud800"}', '{"a\\u0000": 1}',
                '{"items": [{"note": ["x", "\\udfff"]}]}'):
        assert_api_refused(plain_client.post("/api/crackdown/leads/", raw, content_type="application/json"))
        assert_api_refused(plain_client.patch("/api/crackdown/leads/1/", raw, content_type="application/json"))


def test_nul_in_a_put_form_body(plain_client, xizang_staff):
    plain_client.force_login(xizang_staff)
    assert_api_refused(plain_client.put("/api/crackdown/leads/1/", "org_name=a%00b",
                                  content_type="application/x-www-form-urlencoded"))


def test_nul_in_a_cookie(plain_client):
    plain_client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert_page_refused(plain_client.get("/accounts/login/"))


def test_json_that_is_not_json_is_the_apis_own_400(plain_client, xizang_staff):
    plain_client.force_login(xizang_staff)
    response = plain_client.post("/api/crackdown/leads/", b'{"org_name": "\xff"', content_type="application/json")
    assert response.status_code == 400


def test_too_many_parameters(plain_client, xizang_staff):
    query = "&".join(f"p{i}=1" for i in range(1001))
    assert_page_refused(plain_client.get(f"/accounts/login/?{query}"), TOO_MANY_FIELDS_MESSAGE.format(limit=1000))
    assert "每次最多 1000 个" in assert_api_refused(plain_client.get(f"/api/crackdown/public/status/X/?{query}"),
                                          "too_many_fields")
    assert_page_refused(plain_client.post("/accounts/login/", query, content_type="application/x-www-form-urlencoded"),
                  TOO_MANY_FIELDS_MESSAGE.format(limit=1000))


def test_ordinary_requests_pass(plain_client, xizang_staff):
    plain_client.force_login(xizang_staff)
    assert plain_client.get("/crackdown/leads/", {"q": "藏"}).status_code == 200
    response = plain_client.post("/api/crackdown/leads/", json.dumps({"org_name": "正常的名称"}),
                                 content_type="application/json")
    assert response.status_code != 500 and response.json().get("code") != "invalid_characters"
