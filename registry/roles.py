from portal.models import Role

# The register is read by every authority; each writes its own organizations (registry.models).
RECORDS = ["annualinspection", "evaluation", "penalty", "creditlistentry", "branch", "formername"]
STAFF = (["registry.view_organization", "registry.add_organization", "registry.change_organization"]
         + [f"registry.{action}_{model}" for model in RECORDS for action in ("view", "add", "change")]
         # 批量导入 (an import run of the user's own authority)
         + ["registry.view_organizationimport", "registry.add_organizationimport"]
         # 全国先进社会组织: provinces nominate and move their nominees; the ministry opens the round
         + ["registry.view_commendationround", "registry.view_roundquota", "registry.view_nomination",
            "registry.add_nomination", "registry.change_nomination", "registry.view_nominationstep",
            # the stored verdicts of the round's hard criteria (a province: its own), and 重新核算
            "registry.view_roundverdict", "registry.recompute_roundverdict"])

ROLE_PERMISSIONS = {
    Role.MINISTRY_STAFF: [*STAFF, "registry.add_commendationround", "registry.change_commendationround",
                          "registry.export_nationallist"],
    Role.PROVINCE_STAFF: STAFF,
}
