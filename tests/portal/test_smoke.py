import pytest


@pytest.mark.django_db
def test_login_page_is_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "社会组织登记管理门户" in response.content.decode()
