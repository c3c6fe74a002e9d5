"""The case page's step buttons: coloured by consequence, irreversible ones confirmed (issue 12 point 8)."""

from django import template

from crackdown.workflow import is_irreversible, step_tone, steps_from

register = template.Library()


@register.filter
def tone(case, to_stage) -> str:
    """``{{ case|tone:stage }}``: success (forward), secondary (back), danger (取缔、撤案、不予立案…)."""
    return step_tone(case.stage, to_stage)


@register.filter
def irreversible(case, to_stage) -> bool:
    step = steps_from(case.stage).get(to_stage)
    return bool(step and is_irreversible(to_stage, step))
