"""The consolidation admin: who opens which page, scoping of unit rows, the start button and the actions."""

from datetime import timedelta

import pytest
from django.urls import reverse

from central.models import Conflict, ConsolidationRun, RowIssue, RunUptResult, ValidationRule
from tests.consolidation.helpers import consolidate, package, person_values, today

pytestmark = pytest.mark.django_db

PAGES = ["consolidationrun", "validationrule", "rowissue", "runuptresult", "conflict"]
# Which changelists each role may open (others answer 403).
ALLOWED = {
    "operator_a": {"rowissue"},
    "operator_b": {"rowissue"},
    "monitor_x": {"rowissue", "runuptresult", "conflict"},
    "monitor_y": {"rowissue", "runuptresult", "conflict"},
    "central": set(PAGES),
    "admin": set(PAGES),
}


@pytest.fixture
def ran(world):
    package(world.upt_a, persons=[person_values("A/1"), person_values("A/2", nik="", sex="?")])
    package(
        world.upt_b,
        persons=[
            person_values("B/1", admission_date=today() - timedelta(days=5)),
            person_values("B/2", nik="", sex="?"),
        ],
    )
    package(world.upt_c, persons=[person_values("C/1", nik="", sex="?", full_name="Wayan")])
    return consolidate(world.central)


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_changelists_by_role(client_for, world, ran, who):
    client = client_for(getattr(world, who))
    for page in PAGES:
        response = client.get(reverse(f"admin:central_{page}_changelist"))
        expected = 200 if page in ALLOWED[who] else 403
        assert response.status_code == expected, (who, page)


def test_no_role_is_kept_out(client_for, world, ran):
    client = client_for(world.no_role)
    for page in PAGES:
        assert client.get(reverse(f"admin:central_{page}_changelist")).status_code in (302, 403)


@pytest.mark.parametrize(
    ("who", "units"),
    [
        ("operator_a", {"LP3301"}),
        ("operator_b", {"LP3302"}),
        ("monitor_x", {"LP3301", "LP3302"}),
        ("monitor_y", {"LP3101"}),
        ("central", {"LP3301", "LP3302", "LP3101"}),
    ],
)
def test_row_issues_are_scoped(client_for, world, ran, who, units):
    response = client_for(getattr(world, who)).get(reverse("admin:central_rowissue_changelist"))
    assert {i.submission.upt.code for i in response.context["cl"].result_list} == units


def test_another_units_rows_answer_404(client_for, world, ran):
    issue_b = RowIssue.objects.get(submission__upt=world.upt_b)
    assert (
        client_for(world.operator_a).get(reverse("admin:central_rowissue_change", args=[issue_b.pk])).status_code == 404
    )
    result_c = RunUptResult.objects.get(upt=world.upt_c)
    url = reverse("admin:central_runuptresult_change", args=[result_c.pk])
    assert client_for(world.monitor_x).get(url).status_code == 404
    conflict = Conflict.objects.get()  # at UPT B, region X
    assert (
        client_for(world.monitor_y).get(reverse("admin:central_conflict_change", args=[conflict.pk])).status_code == 404
    )
    assert (
        client_for(world.monitor_x).get(reverse("admin:central_conflict_change", args=[conflict.pk])).status_code == 200
    )


def test_nothing_is_editable(client_for, world, ran):
    client = client_for(world.admin)
    run_url = reverse("admin:central_consolidationrun_change", args=[ran.pk])
    page = client.get(run_url).content.decode()
    assert 'name="_save"' not in page
    assert client.post(run_url, {"state": "failed"}).status_code == 403
    for page_name in PAGES:
        assert client.get(reverse(f"admin:central_{page_name}_add")).status_code == 403


def test_run_page_shows_per_unit_results(client_for, world, ran):
    page = client_for(world.central).get(reverse("admin:central_consolidationrun_change", args=[ran.pk]))
    assert page.status_code == 200
    assert "Lapas Kelas I Batu Nusakambangan" in page.content.decode()


@pytest.mark.parametrize("who", ["central", "admin"])
def test_the_admin_button_starts_a_run(client_for, world, who):
    client = client_for(getattr(world, who))
    changelist = client.get(reverse("admin:central_consolidationrun_changelist")).content.decode()
    assert 'id="admin-jalankan-konsolidasi"' in changelist
    response = client.post(reverse("admin:central_consolidationrun_start"))
    run = ConsolidationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:central_consolidationrun_change", args=[run.pk])
    assert (run.trigger, run.triggered_by) == ("admin", getattr(world, who))
    assert client.get(reverse("admin:central_consolidationrun_start")).status_code == 405


@pytest.mark.parametrize("who", ["operator_a", "monitor_x"])
def test_unit_roles_cannot_use_the_admin_button(client_for, world, who):
    assert client_for(getattr(world, who)).post(reverse("admin:central_consolidationrun_start")).status_code == 403
    assert not ConsolidationRun.objects.exists()


def test_the_run_again_action(client_for, world, ran):
    ConsolidationRun.objects.filter(pk=ran.pk).update(state="failed")
    response = client_for(world.central).post(
        reverse("admin:central_consolidationrun_changelist"),
        {"action": "run_again", "_selected_action": [ran.pk]},
    )
    assert response.status_code == 302
    new = ConsolidationRun.objects.exclude(pk=ran.pk).get()
    assert (new.trigger, new.state) == ("admin", "queued")


def test_central_switches_rules_but_not_structural_ones(client_for, world, ran):
    url = reverse("admin:central_validationrule_changelist")
    response = client_for(world.central).post(
        url, {"action": "switch_off", "_selected_action": ["P_CODE_OPTIONAL", "P_DUPLICATE_REG"]}, follow=True
    )
    assert "selalu aktif" in response.content.decode()
    assert not ValidationRule.objects.get(code="P_CODE_OPTIONAL").is_active
    assert ValidationRule.objects.get(code="P_DUPLICATE_REG").is_active
    client_for(world.central).post(url, {"action": "switch_on", "_selected_action": ["P_CODE_OPTIONAL"]})
    assert ValidationRule.objects.get(code="P_CODE_OPTIONAL").is_active


def test_rule_catalogue_lists_every_rule(client_for, world, ran):
    response = client_for(world.central).get(reverse("admin:central_validationrule_changelist") + "?all=")
    codes = {r.code for r in response.context["cl"].result_list}
    assert {"P_NIK_FORMAT", "M_OTHER_UPT", "R_DAYS_RANGE"} <= codes


@pytest.mark.parametrize("size", [1, 4])
def test_admin_changelists_run_a_fixed_number_of_queries(client_for, world, django_assert_max_num_queries, size):
    from tests.factories import UptFactory

    for i in range(size):
        upt = UptFactory(code=f"LPQ{i:03d}", kanwil=world.kanwil_x)
        package(upt, persons=[person_values(f"Q/{i}", nik="", sex="?"), person_values(f"R/{i}", nik="", religion="X")])
    consolidate(world.central)
    client = client_for(world.central)
    for page in PAGES:
        with django_assert_max_num_queries(16):
            assert client.get(reverse(f"admin:central_{page}_changelist")).status_code == 200
