"""Who may do what in the crackdown app.

Staff of a province (and the ministry) enter and work leads and cases.  Approving a step (立案,
决定), the legal review (法制审核), publishing lists and reading an informant's identity are held by
separate groups, given to the named persons who carry those duties, so that the second-person rule
means something.  A user holds a staff role *and* one of these groups.
"""

from portal.models import Role

APPROVER = "案件审批人"        # 立案审批、决定审批、名单发布
LEGAL_REVIEWER = "法制审核员"  # 法制审核
INFORMANT_READER = "举报人信息查阅人"  # 查看举报人完整信息（每次查看留痕）

_WORK = [
    "crackdown.view_lead", "crackdown.add_lead", "crackdown.change_lead",
    "crackdown.view_checkbatch", "crackdown.add_checkbatch", "crackdown.change_checkbatch",
    "crackdown.view_case", "crackdown.add_case", "crackdown.change_case",
    "crackdown.view_listbatch", "crackdown.add_listbatch", "crackdown.change_listbatch",
    "crackdown.view_listentry", "crackdown.add_listentry", "crackdown.change_listentry",
    "crackdown.view_statistics",
    "crackdown.view_namerule",
]

ROLE_PERMISSIONS = {
    # the name rules are the ministry's to keep (规范特殊名称); every authority applies them
    Role.MINISTRY_STAFF: [*_WORK, "crackdown.add_namerule", "crackdown.change_namerule"],
    Role.PROVINCE_STAFF: list(_WORK),
    APPROVER: ["crackdown.approve_case", "crackdown.publish_list"],
    LEGAL_REVIEWER: ["crackdown.review_case"],
    INFORMANT_READER: ["crackdown.view_informant"],
}

EXTRA_GROUPS = (APPROVER, LEGAL_REVIEWER, INFORMANT_READER)
