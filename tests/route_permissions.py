"""The route permission table: one line per URL pattern and API route, the answer each caller gets.

Checked by ``tests/portal/test_route_permissions.py`` (which says how each route is asked and which
row it reads: 河北's own rows of ``tests/scope_world``).  ``LOGIN`` is a redirect to the login page;
403 a refusal (no permission, or the API asked without login); 404 a row outside the caller's area
(or a step the row cannot take); 405 a method the route does not take; 200/201/302/400 an answer
(302 after a successful form, 400 an API write with no data).

Columns: the method, then 部级工作人员, 省级工作人员 (河北), 联络员 (河北), 系统管理员, 安全管理员,
审计管理员, anonymous, 省级工作人员 of another province (浙江).  The three administrators read no
business data; another province's rows answer 404.
"""

LOGIN = "login"
CALLERS = ("部级", "省级", "联络员", "系统", "安全", "审计", "匿名", "外省")

ROUTES = {
    #                                    method  部级  省级  联络员 系统  安全  审计  匿名   外省
    'home': ('GET', 200, 200, 200, 200, 200, 200, LOGIN, 200),
    'healthz': ('GET', 200, 200, 200, 200, 200, 200, 200, 200),
    # a logged-in user is sent on to the home page
    'login': ('GET', 302, 302, 302, 302, 302, 302, 200, 302),
    # POST logs out, then the login page
    'logout': ('POST', LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    'password-change': ('GET', 200, 200, 200, 200, 200, 200, LOGIN, 200),
    # TOTP: ministry and administrators have verified (→ home); province staff may enrol
    'otp-setup': ('GET', 302, 200, 200, 302, 302, 302, LOGIN, 200),
    # province staff need no second factor (→ home)
    'otp-verify': ('GET', 200, 302, 302, 200, 200, 200, LOGIN, 302),
    # the audit log: the 审计管理员's alone
    'audit-list': ('GET', 403, 403, 403, 403, 403, 200, LOGIN, 403),
    'audit-chain': ('GET', 403, 403, 403, 403, 403, 200, LOGIN, 403),
    'job-list': ('GET', 200, 200, 200, 200, 403, 403, LOGIN, 200),
    'job-detail': ('GET', 200, 200, 200, 200, 403, 403, LOGIN, 404),
    'job-download': ('GET', 200, 200, 200, 200, 403, 403, LOGIN, 404),
    # reference_integrity needs portal.view_authority (not 安全/审计管理员)
    'job-start': ('POST', 302, 302, 302, 302, 403, 403, LOGIN, 302),
    # accounts: 系统管理员 (business accounts) and 安全管理员 (roles, authority, locks)
    'user-list': ('GET', 403, 403, 403, 200, 200, 403, LOGIN, 403),
    'user-create': ('GET', 403, 403, 403, 200, 403, 403, LOGIN, 403),
    'user-update': ('GET', 403, 403, 403, 200, 403, 403, LOGIN, 403),
    'user-roles': ('GET', 403, 403, 403, 403, 200, 403, LOGIN, 403),
    'user-authority': ('GET', 403, 403, 403, 403, 200, 403, LOGIN, 403),
    'user-otp-reset': ('POST', 403, 403, 403, 403, 302, 403, LOGIN, 403),
    'user-unlock': ('POST', 403, 403, 403, 403, 302, 403, LOGIN, 403),
    'user-locked': ('GET', 403, 403, 403, 403, 200, 403, LOGIN, 403),
    # the captcha key 'x' does not exist (public routes)
    'captcha-image': ('GET', 410, 410, 410, 410, 410, 410, 410, 410),
    'captcha-image-2x': ('GET', 410, 410, 410, 410, 410, 410, 410, 410),
    'captcha-audio': ('GET', 404, 404, 404, 404, 404, 404, 404, 404),
    'captcha-refresh': ('GET', 404, 404, 404, 404, 404, 404, 404, 404),
    'registry:organization-list': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    # the register is public information: every authority reads it, only its own authority edits it
    'registry:organization-detail': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:lead-list': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:lead-create': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:lead-check-name': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:lead-detail': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:lead-update': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:lead-status': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:lead-transfer': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:lead-to-case': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    # needs the 举报人信息查阅人 duty, which none of the callers holds
    'crackdown:lead-informant': ('POST', 403, 403, 403, 403, 403, 403, LOGIN, 403),
    'crackdown:lead-attachment': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:batch-list': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:batch-create': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:batch-detail': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:batch-add-leads': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-list': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:case-create': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:case-detail': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    # the printable 立案审批表 (取缔决定书 only once a ban is decided)
    'crackdown:case-print': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-update': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-transition': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-evidence-add': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-inquiry-add': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-shutdown-add': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-linked-add': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-document': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:case-evidence-file': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:listbatch-list': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:listbatch-create': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:listbatch-detail': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    # an empty POST: the batch page again, the error beside the field
    'crackdown:listentry-add': ('POST', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    # 提请发布 (an empty draft is refused with a message, back to the batch page)
    'crackdown:listbatch-submit': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 404),
    # 退回: needs the publish_list duty (案件审批人), like 发布
    'crackdown:listbatch-return': ('GET', 403, 403, 403, 403, 403, 403, LOGIN, 403),
    # needs the publish_list duty (案件审批人)
    'crackdown:listbatch-publish': ('GET', 403, 403, 403, 403, 403, 403, LOGIN, 403),
    'crackdown:listentry-withdraw': ('GET', 403, 403, 403, 403, 403, 403, LOGIN, 403),
    'crackdown:listentry-remove': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 404),
    'crackdown:statistics': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'crackdown:statistics-export': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 302),
    # public pages
    'crackdown:public-lists': ('GET', 200, 200, 200, 200, 200, 200, 200, 200),
    'crackdown:public-report': ('GET', 200, 200, 200, 200, 200, 200, 200, 200),
    'crackdown:public-status': ('GET', 200, 200, 200, 200, 200, 200, 200, 200),
    # the pairing table and campaigns are shared by every authority
    'aid_projects:pairing-list': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 200),
    'aid_projects:pairing-create': ('GET', 200, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:pairing-update': ('GET', 200, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:campaign-list': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 200),
    'aid_projects:campaign-create': ('GET', 200, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:campaign-detail': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 200),
    'aid_projects:campaign-update': ('GET', 200, 403, 403, 403, 403, 403, LOGIN, 403),
    # the ministry's progress page, 催报 and 批量接收 (an empty POST: back to the page with a message)
    'aid_projects:campaign-progress': ('GET', 200, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:campaign-remind': ('POST', 302, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:campaign-accept': ('POST', 302, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:list-open': ('POST', 403, 302, 302, 403, 403, 403, LOGIN, 302),
    'aid_projects:list-list': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 200),
    'aid_projects:list-detail': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:list-items': ('GET', 403, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:list-upload': ('GET', 403, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:list-submit': ('POST', 403, 302, 302, 403, 403, 403, LOGIN, 404),
    'aid_projects:list-decide': ('POST', 302, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:list-scan': ('POST', 403, 302, 302, 403, 403, 403, LOGIN, 404),
    'aid_projects:list-scan-download': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:version-download': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:upload-detail': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:upload-commit': ('POST', 403, 302, 302, 403, 403, 403, LOGIN, 404),
    'aid_projects:upload-discard': ('POST', 403, 302, 302, 403, 403, 403, LOGIN, 404),
    'aid_projects:liaison-list': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 200),
    # liaisons are kept by the province (the ministry reads them)
    'aid_projects:liaison-create': ('GET', 403, 200, 200, 403, 403, 403, LOGIN, 200),
    'aid_projects:liaison-update': ('GET', 403, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:liaison-delete': ('GET', 403, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:need-list': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 200),
    # 阿里's need: 河北 is paired with it, 浙江 is not
    'aid_projects:need-detail': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:match-propose': ('POST', 403, 302, 403, 403, 403, 403, LOGIN, 404),
    'aid_projects:match-list': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 200),
    'aid_projects:match-detail': ('GET', 200, 200, 200, 403, 403, 403, LOGIN, 404),
    'aid_projects:match-transition': ('POST', 403, 302, 403, 403, 403, 403, LOGIN, 404),
    # the page lists only the jobs the caller may read (portal.jobs.readable_kinds)
    'aid_projects:summary-page': ('GET', 200, 200, 200, 200, 403, 403, LOGIN, 200),
    'aid_projects:summary-start': ('POST', 302, 403, 403, 403, 403, 403, LOGIN, 403),
    'aid_projects:summary-template': ('GET', 200, 200, 200, 200, 200, 200, LOGIN, 200),
    'api-job-list': ('GET', 200, 200, 200, 200, 403, 403, 403, 200),
    'api-job-detail': ('GET', 200, 200, 200, 200, 403, 403, 403, 404),
    # the API: anonymous gets 403 (DRF), not the login redirect
    'api-root': ('GET', 200, 200, 200, 200, 200, 200, 403, 200),
    'api-organization-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-organization-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),  # public register
    # 400: the statistics ask for a period
    'api-statistics': ('GET', 400, 400, 403, 403, 403, 403, 403, 400),
    'api-public-report': ('POST', 400, 400, 400, 400, 400, 400, 400, 400),
    'api-public-status': ('GET', 200, 200, 200, 200, 200, 200, 200, 200),
    'api-lead-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-lead-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 404),
    'api-lead-informant': ('POST', 403, 403, 403, 403, 403, 403, 403, 403),
    # empty POST: the row is looked up (scoped) first, so 浙江 gets 404 whatever the body; 河北 and the
    # ministry get 400 for the empty body (tests/crackdown/test_api.py, test_write_scope.py)
    'api-lead-status': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-lead-to-case': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-lead-transfer': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-case-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-case-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 404),
    'api-case-transition': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-checkbatch-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-checkbatch-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 404),
    'api-checkbatch-leads': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-listbatch-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-listbatch-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 404),
    'api-listbatch-entries': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-listbatch-publish': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-listentry-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-listentry-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 404),
    'api-listentry-withdraw': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-public-list-list': ('GET', 200, 200, 200, 200, 200, 200, 200, 200),
    # 河北's list is a draft: not public to anyone
    'api-public-list-detail': ('GET', 404, 404, 404, 404, 404, 404, 404, 404),
    'api-pairing-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-pairing-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-campaign-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-campaign-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-aidlist-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-aidlist-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 404),
    'api-aidlist-accept': ('POST', 400, 403, 403, 403, 403, 403, 403, 403),
    'api-aidlist-return-list': ('POST', 400, 403, 403, 403, 403, 403, 403, 403),
    'api-aidlist-submit': ('POST', 403, 201, 201, 403, 403, 403, 403, 404),
    'api-aidlist-upload': ('POST', 403, 400, 400, 403, 403, 403, 403, 404),
    'api-upload-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-upload-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 404),
    'api-upload-commit': ('POST', 403, 200, 200, 403, 403, 403, 403, 404),
    'api-upload-discard': ('POST', 403, 200, 200, 403, 403, 403, 403, 404),
    'api-aiditem-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-aiditem-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 404),
    'api-aiditem-suggestions': ('GET', 200, 200, 200, 403, 403, 403, 403, 404),
    'api-liaison-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-liaison-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 404),
    'api-listversion-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-listversion-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 404),
    'api-match-list': ('GET', 200, 200, 200, 403, 403, 403, 403, 200),
    'api-match-detail': ('GET', 200, 200, 200, 403, 403, 403, 403, 404),
    # the match is looked up (scoped) first: 浙江 gets 404 whatever the body
    'api-match-transition': ('POST', 403, 400, 403, 403, 403, 403, 403, 404),
    'api-summary-list': ('POST', 400, 400, 400, 400, 403, 403, 403, 400),
    'api-schema': ('GET', 200, 200, 200, 200, 200, 200, 403, 200),
    'api-docs': ('GET', 200, 200, 200, 200, 200, 200, 403, 200),
    'aid_projects:list-copy-liaisons': ('POST', 403, 302, 302, 403, 403, 403, 'login', 404),
    'api-case-clock': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-case-confiscations': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-case-referral-result': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-case-referrals': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-creditlistentry-remove': ('POST', 400, 400, 403, 403, 403, 403, 403, 404),
    'api-name-check': ('GET', 400, 400, 403, 403, 403, 403, 403, 400),
    'api-organization-records': ('GET', 404, 404, 403, 403, 403, 403, 403, 404),
    'api-organization-timeline': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'crackdown:case-clock': ('GET', 404, 404, 403, 403, 403, 403, 'login', 404),
    'crackdown:case-confiscation-add': ('GET', 200, 200, 403, 403, 403, 403, 'login', 404),
    'crackdown:case-referral-add': ('GET', 200, 200, 403, 403, 403, 403, 'login', 404),
    'crackdown:case-referral-result': ('GET', 404, 404, 403, 403, 403, 403, 'login', 404),
    'crackdown:namerule-create': ('GET', 200, 403, 403, 403, 403, 403, 'login', 403),
    'crackdown:namerule-list': ('GET', 200, 200, 403, 403, 403, 403, 'login', 200),
    'crackdown:namerule-update': ('GET', 200, 403, 403, 403, 403, 403, LOGIN, 403),
    'registry:listentry-remove': ('GET', 200, 200, 403, 403, 403, 403, 'login', 404),
    'registry:name-check': ('GET', 200, 200, 403, 403, 403, 403, 'login', 200),
    'registry:organization-create': ('GET', 200, 200, 403, 403, 403, 403, 'login', 200),
    'registry:organization-update': ('GET', 200, 200, 403, 403, 403, 403, 'login', 404),
    'registry:public-organization': ('GET', 404, 404, 404, 404, 404, 404, 404, 404),
    'registry:public-search': ('GET', 200, 200, 200, 200, 200, 200, 200, 200),
    'registry:record-add': ('GET', 404, 404, 404, 404, 404, 404, 'login', 404),
    # bulk import: an import is its authority's (the ministry sees all); the template carries no data
    'registry:import-upload': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'registry:import-template': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'registry:import-detail': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 404),
    # the export job of a search (the register is read by every authority)
    'registry:organization-export': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 302),
    # 全国先进社会组织: the round is the ministry's and read by all; nominees are their province's
    'registry:round-list': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'registry:round-create': ('GET', 200, 403, 403, 403, 403, 403, LOGIN, 403),
    'registry:round-detail': ('GET', 200, 200, 403, 403, 403, 403, LOGIN, 200),
    'registry:round-export': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 302),
    # 重新核算: the ministry the whole register, a province its own part (another province too: its own part)
    'registry:round-recompute': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 302),
    'registry:organization-nominate': ('POST', 302, 302, 403, 403, 403, 403, LOGIN, 404),
    # a province's nominee is moved by the province alone: the ministry reads it (404 to a step)
    'registry:nomination-step': ('POST', 404, 302, 403, 403, 403, 403, LOGIN, 404),
    # the round's API: rounds read by all (opened by the ministry: POST, tests/registry/test_commendation_api.py),
    # candidates of the caller's own area; nominees are their province's (another's: 404); a step with no data: 400
    'api-commendationround-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-commendationround-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-commendationround-candidates': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    # 重新核算 and the national list: 202 with the job; the national list is the ministry's alone
    'api-commendationround-recompute': ('POST', 202, 202, 403, 403, 403, 403, 403, 202),
    'api-commendationround-export': ('POST', 202, 403, 403, 403, 403, 403, 403, 403),
    # the stored verdicts: a province its own organizations' (tests/registry/test_list_scope.py)
    'api-roundverdict-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-nomination-list': ('GET', 200, 200, 403, 403, 403, 403, 403, 200),
    'api-nomination-detail': ('GET', 200, 200, 403, 403, 403, 403, 403, 404),
    # a province's nominee: the ministry reads it and takes none of its steps (404)
    'api-nomination-step': ('POST', 404, 400, 403, 403, 403, 403, 403, 404),
}
