"""The home page's cards written in Python (issue 17): the bytes the former template loop wrote."""

import pytest
from django.template import engines

from portal.home import PANEL_ITEMS_SHOWN, HomeItem, HomePanel, panels_html

# templates/portal/home.html's loop before issue 17, the reference
FORMER_LOOP = """{% for panel in panels %}
  <div class="col-md-6 col-xl-4">
    <div class="card h-100 shadow-sm">
      <div class="card-header fw-bold d-flex justify-content-between">
        <span>{{ panel.title }}{% if panel.is_work %} <span class="badge rounded-pill {% if panel.overdue_count %}text-bg-danger{% elif panel.total %}text-bg-primary{% else %}text-bg-light{% endif %} panel-count">{{ panel.total_label }}{% if panel.overdue_count %}（{{ panel.overdue_count }} 项超期）{% endif %}</span>{% endif %}</span>{% if panel.more_url %}<a class="small" href="{{ panel.more_url }}">全部</a>{% endif %}
      </div>
      <ul class="list-group list-group-flush">
        {% for item in panel.items %}
        <li class="list-group-item d-flex justify-content-between{% if item.overdue %} list-group-item-warning{% endif %}">
          {% if item.url %}<a href="{{ item.url }}">{{ item.text }}</a>{% else %}<span>{{ item.text }}</span>{% endif %}
          {% if item.badge %}<span class="badge {% if item.overdue %}text-bg-danger{% else %}text-bg-secondary{% endif %}">{{ item.badge }}</span>{% endif %}
        </li>
        {% empty %}
        <li class="list-group-item text-muted">{{ panel.empty_text }}</li>
        {% endfor %}
      </ul>
    </div>
  </div>
  {% endfor %}"""  # noqa: E501


def former(panels) -> str:
    return engines["django"].from_string(FORMER_LOOP).render({"panels": panels})


def items(n, **kwargs):
    return [HomeItem(text=f"第{i}项 <b>&\"'", url=f"/x/{i}/?a=1&b=\"2\"", **kwargs) for i in range(n)]


PANELS = [
    HomePanel(title="空的", more_url="/leads/?status=pending&x=<1>"),
    HomePanel(title="不算待办", items=items(2, badge="排队中"), is_work=False),
    HomePanel(title="<带标签>的标题 & 引号\"", items=items(3, badge="2026-12-05 到期"), empty_text="没有 <待办>。"),
    HomePanel(title="超期", items=items(2, badge="已超期", overdue=True) + items(1)),
    HomePanel(title="十项以上", items=items(PANEL_ITEMS_SHOWN, badge="待答复"), count=27, more_url="/m/"),
    HomePanel(title="十项未计数", items=items(PANEL_ITEMS_SHOWN)),
    HomePanel(title="无链接", items=[HomeItem(text="已锁定：<user>", overdue=True), HomeItem(text="无徽标", url="")]),
    HomePanel(title="零", items=[], count=0, empty_text=""),
]


@pytest.mark.parametrize("panels", [[], PANELS[:1], PANELS])
def test_the_cards_are_the_former_templates_bytes(panels):
    assert panels_html(panels) == former(panels)


@pytest.mark.parametrize("panel", PANELS)
def test_each_card_is_the_former_templates_bytes(panel):
    assert panels_html([panel]) == former([panel])
