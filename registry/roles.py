from portal.models import Role

ROLE_PERMISSIONS = {
    Role.MINISTRY_STAFF: ["registry.view_organization"],
    Role.PROVINCE_STAFF: ["registry.view_organization"],
}
