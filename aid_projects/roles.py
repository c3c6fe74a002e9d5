from portal.models import Role

_READ = ["aid_projects.view_pairing", "aid_projects.view_campaign", "aid_projects.view_aidlist",
         "aid_projects.view_aiditem", "aid_projects.view_listversion", "aid_projects.view_liaison",
         "aid_projects.view_match", "aid_projects.view_upload", "aid_projects.view_reminder"]

# Filing a province's lists: typing rows, uploading, submitting, naming liaisons.
_FILE = ["aid_projects.add_aidlist", "aid_projects.change_aidlist", "aid_projects.submit_aidlist",
         "aid_projects.add_aiditem", "aid_projects.change_aiditem", "aid_projects.delete_aiditem",
         "aid_projects.add_upload", "aid_projects.add_liaison", "aid_projects.change_liaison",
         "aid_projects.delete_liaison"]

ROLE_PERMISSIONS = {
    # the ministry sets the campaign, keeps the pairing, accepts or returns lists, reads everything
    Role.MINISTRY_STAFF: [*_READ, "aid_projects.add_pairing", "aid_projects.change_pairing",
                          "aid_projects.delete_pairing", "aid_projects.add_campaign", "aid_projects.change_campaign",
                          "aid_projects.decide_aidlist", "aid_projects.add_reminder"],
    # provincial staff file and also run the matching: propose (aiding side), answer (recipient side)
    Role.PROVINCE_STAFF: [*_READ, *_FILE, "aid_projects.add_match", "aid_projects.change_match",
                          "aid_projects.decide_match"],
    # liaison officers file the lists (通知: the liaison collects and reports); matching is staff's
    Role.LIAISON: [*_READ, *_FILE],
}
