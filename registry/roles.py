from portal.models import Role

# The register is read by every authority; each writes its own organizations (registry.models).
RECORDS = ["annualinspection", "evaluation", "penalty", "creditlistentry", "branch", "formername"]
STAFF = (["registry.view_organization", "registry.add_organization", "registry.change_organization"]
         + [f"registry.{action}_{model}" for model in RECORDS for action in ("view", "add", "change")]
         # 批量导入 (an import run of the user's own authority)
         + ["registry.view_organizationimport", "registry.add_organizationimport"])

ROLE_PERMISSIONS = {
    Role.MINISTRY_STAFF: STAFF,
    Role.PROVINCE_STAFF: STAFF,
}
