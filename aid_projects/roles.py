from portal.models import Role

ROLE_PERMISSIONS = {
    Role.MINISTRY_STAFF: ["aid_projects.view_pairing", "aid_projects.add_pairing", "aid_projects.change_pairing",
                          "aid_projects.delete_pairing"],
    Role.PROVINCE_STAFF: ["aid_projects.view_pairing"],
    Role.LIAISON: ["aid_projects.view_pairing"],
}
