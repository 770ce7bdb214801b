"""Acting as tenant A's admin, CSM and viewer, walk every registered admin model with tenant B's ids.

One test per model of ``admin.site._registry`` (a new admin model gets its test without anyone
adding it), plus one for the site-wide pages. For each of A's session principals:

- every URL pattern of the model admin that takes an object (change, delete, history, the history
  form, the old-style redirect, a user's password form...) with B's object id and B's history id,
  by GET and POST, answers exactly like a nonexistent id, and that is 404 (403 only where the role
  may not see the model at all, e.g. CSM on API keys, viewer on add: see ``probe``'s rule); the
  history form also with A's object and B's version and the other way round;
- the change list plainly, searched for each of B's search-field values, filtered by each list
  filter parameter set to B's values (``<fk>__id__exact=<B id>`` ...), as a raw-id popup, and every
  admin action posted with B's id selected: only A's rows, and the same as for nonexistent values;
- the add page with each foreign key's initial value set to B's id (raw-id labels, autocomplete
  initial options); add and change POSTs with B's id in each relation field (a form error on that
  field), with B's text values (the same outcome as fresh values: no unique-key enumeration), and
  with privilege fields (tenant, is_staff, is_superuser, user, role) that must change nothing;
- A's own change, history and delete pages, which render choices and related rows;
- the change list's CSV export (``export/``), plainly and with each of the change list's probes: only
  A's rows (by the export's id column), the same rows for B's values as for nonexistent ones, and
  never a B canary in the file.

An object URL parameter the walk cannot fill, or a model route it did not request, fails the test.
"""

from __future__ import annotations

import csv
import io

import pytest
from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.urls import resolve, reverse
from simple_history.utils import get_history_manager_for_model

from accounts.admin.export import ExportMixin
from accounts.models import Account, Contact, SignedInSession
from accounts.tenancy import is_tenant_owned
from tests.isolation.admin_forms import build_url, fill_required, form_data, page_data, route_params
from tests.isolation.canaries import fresh, fresh_for, is_text_field, tokens
from tests.isolation.fingerprint import canaries_outside, fingerprint_diff
from tests.isolation.inventory import ADMIN_NOT_WALKED, admin_routes
from tests.isolation.models import classify
from tests.isolation.probe import NONEXISTENT_ID, Walker

ADMIN_MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
OBJECT_PARAMS = {"object_id", "id"}
# The id parameters of the console pages outside the model admins (admin/work/accounts/<id>/timeline/ ...),
# and the model whose row each one names.
SITE_ROUTE_ROWS = {"account_id": "accounts.Account"}
PRIVILEGE_POSTS = ("tenant", "tenant_id", "is_staff", "is_superuser", "user", "role", "created_by", "invited_by")


def model_prefix(model) -> str:
    return f"admin/{model._meta.app_label}/{model._meta.model_name}/"


def model_routes(model) -> list:
    return sorted((r, p) for r, p in admin_routes().items() if r.startswith(model_prefix(model)))


def version_of(model, obj):
    try:
        manager = get_history_manager_for_model(model)
    except Exception:
        return None
    rows = manager.filter(**{model._meta.pk.attname: obj.pk}).order_by("-history_id")
    return rows.values_list("history_id", flat=True).first()


def owner_of(obj):
    if is_tenant_owned(type(obj)):
        return obj.tenant_id
    if obj._meta.label == "accounts.Tenant":
        return obj.pk
    return None


def follow_path(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


class AdminWalk:
    def __init__(self, walker: Walker, model):
        self.walker, self.iso, self.model = walker, walker.iso, model
        self.ma = admin.site._registry[model]
        opts = model._meta
        self.info = f"{opts.app_label}_{opts.model_name}"
        self.b_obj, self.a_obj = self.iso.b.row(model), self.iso.a.row(model)

    def url(self, name, *args):
        return reverse(f"admin:{self.info}_{name}", args=args)

    def values(self, names, obj, *, route) -> dict | None:
        out = {}
        for name in names:
            if name in OBJECT_PARAMS:
                out[name] = obj.pk if obj is not None else NONEXISTENT_ID
            elif name == "version_id":
                if not hasattr(self.model, "history"):  # the route exists, the audit trail does not
                    out[name] = NONEXISTENT_ID
                    continue
                version = version_of(self.model, obj) if obj is not None else NONEXISTENT_ID
                if version is None:
                    self.walker.fail("coverage", "-", "GET", route, f"no history row for {obj!r}")
                    return None
                out[name] = version
            else:
                self.walker.fail("coverage", "-", "GET", route, f"cannot fill URL parameter {name!r}")
                return None
        return out

    # --- the pieces ------------------------------------------------------------------------------
    def own_pages(self, principal) -> dict:
        """A's own object pages (GET): change, history, delete, history form. Returns outcomes by route."""
        pages = {}
        for route, pattern in model_routes(self.model):
            names = route_params(route, pattern)
            if not names:
                continue
            values = self.values(names, self.a_obj, route=route)
            if values is not None:
                pages[route] = self.walker.send(principal, "GET", build_url(route, names, values), follow=True)
        return pages

    def object_routes(self, principal, post_data: dict) -> None:
        walker = self.walker
        for route, pattern in model_routes(self.model):
            names = route_params(route, pattern)
            if not names:
                continue
            b_values = self.values(names, self.b_obj, route=route)
            ctl_values = self.values(names, None, route=route)
            if b_values is None or ctl_values is None:
                continue
            cases = [(b_values, ctl_values)]
            if "version_id" in names:  # mix A's object with B's version and the other way round
                a_values = self.values(names, self.a_obj, route=route)
                cases += [
                    ({**a_values, "version_id": b_values["version_id"]}, {**a_values, "version_id": NONEXISTENT_ID}),
                    (
                        {**b_values, "version_id": a_values["version_id"]},
                        {**ctl_values, "version_id": a_values["version_id"]},
                    ),
                ]
            for probe_values, control_values in cases:
                b_url, ctl_url = build_url(route, names, probe_values), build_url(route, names, control_values)
                for method in ("GET", "POST"):
                    form = {**post_data, "post": "yes"} if method == "POST" else None
                    probe = walker.send(principal, method, b_url, form=form, follow=True)
                    control = walker.send(principal, method, ctl_url, form=form, follow=True)
                    values = [*probe_values.values(), *control_values.values()]
                    same = walker.compare(principal, method, b_url, probe, control, values)
                    if same and probe.status not in {403, 404}:
                        walker.fail("not_404", principal.name, method, b_url, f"answers {probe.chain}, expected 404")

    def changelist(self, principal) -> None:
        walker, url = self.walker, self.url("changelist")
        # The tenant-scoped lists export as CSV (the tenant's own settings and the operators' users do not).
        export_url = self.url("export") if isinstance(self.ma, ExportMixin) else None
        plain = walker.send(principal, "GET", url)
        self.rows_are_a(principal, url, plain)
        if export_url:
            self.exported_rows_are_a(principal, export_url, walker.send(principal, "GET", export_url))
            walker.send(principal, "POST", export_url, form={"q": ""})  # a download link only: never a write
        cl = plain.ctx("cl") if plain else None
        probes = []  # (label, query for B, query for a nonexistent value, compare results)
        for field in self.ma.get_search_fields(plain_request(plain)) if cl else self.ma.search_fields:
            path = field.lstrip("^=@")
            value = follow_path(self.b_obj, path)
            if value not in (None, ""):
                probes.append((f"q={path}", {"q": str(value)}, {"q": fresh()}, True))
        for spec in getattr(cl, "filter_specs", []):
            if isinstance(spec, admin.SimpleListFilter):  # fixed choices, not rows: try each of them
                for choice, _ in spec.lookup_choices:
                    outcome = walker.send(principal, "GET", url, query={spec.parameter_name: str(choice)})
                    self.rows_are_a(principal, f"{url}?{spec.parameter_name}", outcome)
                    if export_url:
                        query = {spec.parameter_name: str(choice)}
                        exported = walker.send(principal, "GET", export_url, query=query)
                        self.exported_rows_are_a(principal, f"{export_url}?{spec.parameter_name}", exported)
                continue
            for param in spec.expected_parameters():
                kind, b_value, ctl_value = self.filter_values(param)
                if kind == "value":
                    outcome = walker.send(principal, "GET", url, query={param: b_value})
                    self.rows_are_a(principal, f"{url}?{param}", outcome)
                    if export_url:
                        exported = walker.send(principal, "GET", export_url, query={param: b_value})
                        self.exported_rows_are_a(principal, f"{export_url}?{param}", exported)
                elif kind is not None:
                    probes.append((param, {param: b_value}, {param: ctl_value}, True))
        probes.append(("popup", {"_popup": "1", "_to_field": self.model._meta.pk.attname}, None, False))
        for label, b_query, ctl_query, same_rows in probes:
            probe = walker.send(principal, "GET", url, query=b_query)
            self.rows_are_a(principal, f"{url}?{label}", probe)
            if ctl_query is None:
                continue
            control = walker.send(principal, "GET", url, query=ctl_query)
            values = [*b_query.values(), *ctl_query.values()]
            same = walker.compare(principal, "GET", f"{url}?{label}=B", probe, control, values)
            if same and same_rows and self.result_pks(probe) != self.result_pks(control):
                walker.fail("enumeration", principal.name, "GET", f"{url}?{label}=B", "rows differ from nonexistent")
            if export_url:
                self.export_probe(principal, export_url, label, b_query, ctl_query, same_rows)
        # Every action, with B's row selected.
        action_form = plain.ctx("action_form") if plain else None
        actions = [name for name, _ in action_form.fields["action"].choices if name] if action_form else []
        for action in actions or ["delete_selected"]:
            b_post = {"action": action, "_selected_action": [str(self.b_obj.pk)], "index": "0", "post": "yes"}
            ctl_post = {**b_post, "_selected_action": [str(NONEXISTENT_ID)]}
            probe = walker.send(principal, "POST", url, form=b_post, follow=True)
            control = walker.send(principal, "POST", url, form=ctl_post, follow=True)
            walker.compare(principal, "POST", f"{url} action={action} [B selected]", probe, control, [self.b_obj.pk])
        self.list_editable(principal, url, cl)

    def list_editable(self, principal, url, cl) -> None:
        """The change list's own form (list_editable): B's id in a row's primary key."""
        formset = getattr(cl, "formset", None)
        if formset is None or not formset.forms:
            if self.ma.list_editable:  # the principal may not edit: post a minimal formset anyway
                formset_data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "_save": "Save"}
                pk = self.model._meta.pk.name
                b_post = {**formset_data, f"form-0-{pk}": str(self.b_obj.pk)}
                ctl_post = {**formset_data, f"form-0-{pk}": str(NONEXISTENT_ID)}
                probe = self.walker.send(principal, "POST", url, form=b_post, follow=True)
                control = self.walker.send(principal, "POST", url, form=ctl_post, follow=True)
                self.walker.compare(principal, "POST", f"{url} [list_editable B]", probe, control, [self.b_obj.pk])
            return
        data = {**form_data(formset.management_form), "_save": "Save"}
        first = formset.forms[0]
        for f in formset.forms[:1]:
            data.update(form_data(f))
        pk_key = first.add_prefix(self.model._meta.pk.name)
        b_post, ctl_post = {**data, pk_key: str(self.b_obj.pk)}, {**data, pk_key: str(NONEXISTENT_ID)}
        data["form-TOTAL_FORMS"] = data["form-INITIAL_FORMS"] = "1"
        b_post.update({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"})
        ctl_post.update({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"})
        probe = self.walker.send(principal, "POST", url, form=b_post, follow=True)
        control = self.walker.send(principal, "POST", url, form=ctl_post, follow=True)
        self.walker.compare(principal, "POST", f"{url} [list_editable B]", probe, control, [self.b_obj.pk])

    def filter_values(self, param: str):
        """(kind, B's value, nonexistent value) for a change-list filter parameter."""
        model, value, is_relation, last = self.model, self.b_obj, False, None
        parts = param.split("__")
        for i, part in enumerate(parts):
            try:
                last = model._meta.get_field(part)
            except FieldDoesNotExist:
                parts = parts[i:]
                break
            value = getattr(value, last.name, None) if value is not None else None
            if last.is_relation:
                is_relation, model = True, last.related_model
                if value is None:
                    value = self.iso.b.row(model) if self.iso.b.has_row(model) else None
        else:
            parts = []
        if last is None:
            self.walker.fail("coverage", "-", "GET", param, f"filter parameter {param} names no field")
            return None, None, None
        if parts and parts[-1] == "isnull":
            return "value", "True", None
        if hasattr(value, "pk"):
            value = value.pk
        if is_relation:
            return "relation", str(value), str(NONEXISTENT_ID)
        if isinstance(value, bool):
            return "value", "1" if value else "0", None
        if is_text_field(last) and not last.choices:
            return "text", str(value), fresh()
        return "value", "" if value is None else str(getattr(value, "isoformat", lambda: value)()), None

    def add_page(self, principal) -> None:
        walker, url = self.walker, self.url("add")
        plain = walker.send(principal, "GET", url)
        relations = [
            f
            for f in [*self.model._meta.concrete_fields, *self.model._meta.many_to_many]
            if f.is_relation and f.editable and f.name != "tenant" and f.related_model is not None
        ]
        everything = {}
        for f in relations:
            if classify(f.related_model) == "global":
                continue  # no tenant has rows of its own there (permissions, groups)
            if not self.iso.b.has_row(f.related_model):
                walker.fail("coverage", "-", "GET", url, f"tenant B has no {f.related_model.__name__} row")
                continue
            b_pk = self.iso.b.row(f.related_model).pk
            everything[f.name] = str(b_pk)
            probe = walker.send(principal, "GET", url, query={f.name: str(b_pk)})
            control = walker.send(principal, "GET", url, query={f.name: str(NONEXISTENT_ID)})
            walker.compare(principal, "GET", f"{url}?{f.name}=B", probe, control, [b_pk, NONEXISTENT_ID])
        if everything:
            walker.send(principal, "GET", url, query=everything)
        if plain is not None and plain.form() is not None:
            self.form_probes(principal, url, plain, sanity_expected=True)
        else:
            walker.send(principal, "POST", url, form={"tenant": str(self.iso.b.tenant.pk)})

    def form_probes(self, principal, url, page, *, sanity_expected: bool) -> None:
        """POSTs of an add/change form: B ids in relations, B's text values, privilege fields."""
        walker, iso, form = self.walker, self.iso, page.form()
        base = fill_required(form, page_data(page), lambda m: iso.a.row(m))
        sanity = walker.send(principal, "POST", url, form=base)
        if sanity is None:
            return
        if sanity_expected and principal.role == "admin" and sanity.errors():
            walker.fail("probe_setup", principal.name, "POST", url, f"base form rejected: {sanity.errors()}")
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            related = field.queryset.model
            if classify(related) == "global":
                continue
            if not iso.b.has_row(related):
                walker.fail("coverage", "-", "POST", url, f"tenant B has no {related.__name__} row for {name}")
                continue
            b_value = getattr(iso.b.row(related), field.to_field_name or "pk")
            key = form[name].html_name
            many = isinstance(field, forms.ModelMultipleChoiceField)
            b_data = {**base, key: [str(b_value)] if many else str(b_value)}
            ctl_data = {**base, key: [str(NONEXISTENT_ID)] if many else str(NONEXISTENT_ID)}
            probe = walker.send(principal, "POST", url, form=b_data, follow=True)
            control = walker.send(principal, "POST", url, form=ctl_data, follow=True)
            if not walker.compare(principal, "POST", f"{url} [{name}=B]", probe, control, [b_value, NONEXISTENT_ID]):
                continue
            if probe.form() is not None and probe.status == 200:
                if name not in probe.form().errors:
                    walker.fail("accepted_b", principal.name, "POST", url, f"{name}=B's id: no error on {name}")
            elif probe.status != 403:
                walker.fail("accepted_b", principal.name, "POST", url, f"{name}=B's id answers {probe.chain}")
        self.inline_pk_probes(principal, url, page, base)
        texts = {}
        for name, field in form.fields.items():
            try:
                mf = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            b_value = getattr(self.b_obj, mf.attname, None) if mf.concrete else None
            if is_text_field(mf) and isinstance(field, forms.CharField) and tokens(str(b_value or "")):
                texts[form[name].html_name] = mf
        if texts:
            b_data = {**base, **{k: str(getattr(self.b_obj, mf.attname)) for k, mf in texts.items()}}
            ctl_data = {**base, **{k: fresh_for(mf) for k, mf in texts.items()}}
            probe = walker.send(principal, "POST", url, form=b_data)
            control = walker.send(principal, "POST", url, form=ctl_data)
            walker.compare(
                principal, "POST", f"{url} [B's text values]", probe, control, [*b_data.values(), *ctl_data.values()]
            )
        b = iso.b
        extra = {
            "tenant": str(b.tenant.pk),
            "tenant_id": str(b.tenant.pk),
            "is_staff": "on",
            "is_superuser": "on",
            "user": str(b.users["admin"].pk),
            "role": "admin",
            "created_by": str(b.users["admin"].pk),
            "invited_by": str(b.users["admin"].pk),
        }
        names = {form[n].html_name for n in form.fields}
        # The walker checks after the request that no privilege changed and no row left tenant A.
        walker.send(principal, "POST", url, form={**base, **{k: v for k, v in extra.items() if k not in names}})

    def inline_pk_probes(self, principal, url, page, base) -> None:
        """B's id as the primary key of an inline row (its formset's pk field)."""
        walker, iso = self.walker, self.iso
        for inline in page.ctx("inline_admin_formsets") or []:
            formset = inline.formset
            if not formset.forms or not iso.b.has_row(formset.model):
                continue
            key = formset.forms[0].add_prefix(formset.model._meta.pk.name)
            b_pk = iso.b.row(formset.model).pk
            probe = walker.send(principal, "POST", url, form={**base, key: str(b_pk)}, follow=True)
            control = walker.send(principal, "POST", url, form={**base, key: str(NONEXISTENT_ID)}, follow=True)
            walker.compare(principal, "POST", f"{url} [inline {key}=B]", probe, control, [b_pk, NONEXISTENT_ID])

    # --- checks ----------------------------------------------------------------------------------
    def rows_are_a(self, principal, url, outcome) -> None:
        cl = outcome.ctx("cl") if outcome else None
        for obj in getattr(cl, "result_list", None) or []:
            owner = owner_of(obj)
            if owner is not None and owner != self.iso.a.tenant.pk:
                self.walker.fail("foreign_row", principal.name, "GET", url, f"{obj!r} of tenant {owner} listed")
            if obj._meta.label == "accounts.User" and obj.pk not in self.iso.a.user_ids:
                self.walker.fail("foreign_row", principal.name, "GET", url, f"user {obj.pk} is not A's")

    def export_probe(self, principal, url, label, b_query, ctl_query, same_rows) -> None:
        """The export with a change-list probe's query: A's rows only, the same for B's value as for a fresh one."""
        walker = self.walker
        probe = walker.send(principal, "GET", url, query=b_query)
        self.exported_rows_are_a(principal, f"{url}?{label}", probe)
        if ctl_query is None:
            return
        control = walker.send(principal, "GET", url, query=ctl_query)
        values = [*b_query.values(), *ctl_query.values()]
        same = walker.compare(principal, "GET", f"{url}?{label}=B", probe, control, values)
        if same and same_rows and self.exported_pks(probe) != self.exported_pks(control):
            walker.fail("enumeration", principal.name, "GET", f"{url}?{label}=B", "exported rows differ")

    @staticmethod
    def exported_pks(outcome) -> list:
        """The ids (first column) of an export's rows; none for an answer that is not a CSV file."""
        if outcome is None or outcome.status != 200 or not outcome.content_type.startswith("text/csv"):
            return []
        rows = list(csv.reader(io.StringIO(outcome.body)))
        return sorted(int(row[0]) for row in rows[1:])

    def exported_rows_are_a(self, principal, url, outcome) -> None:
        pks = self.exported_pks(outcome)
        for obj in self.model._base_manager.filter(pk__in=pks):
            owner = owner_of(obj)
            if owner is not None and owner != self.iso.a.tenant.pk:
                self.walker.fail("foreign_row", principal.name, "GET", url, f"{obj!r} of tenant {owner} exported")

    @staticmethod
    def result_pks(outcome):
        cl = outcome.ctx("cl") if outcome else None
        return sorted(o.pk for o in getattr(cl, "result_list", None) or [])

    def run(self, principal) -> None:
        own = self.own_pages(principal)
        change = next((o for r, o in own.items() if r.endswith("/change/") and o is not None), None)
        post_data = page_data(change) if change is not None and change.status == 200 else {}
        self.object_routes(principal, post_data)
        self.changelist(principal)
        self.add_page(principal)
        if change is not None and change.status == 200 and change.form() is not None:
            own_url = self.url("change", self.a_obj.pk)
            self.form_probes(principal, own_url, change, sanity_expected=False)


def plain_request(outcome):
    return outcome.ctx("request") if outcome else None


def final_checks(walker: Walker) -> None:
    for change in fingerprint_diff(walker.b_print, walker.state.fingerprint()):
        walker.fail("b_changed", "-", "-", "-", change)
    b = walker.iso.b
    for problem in walker.state.references() + canaries_outside(b.tenant.pk, b.user_ids):
        walker.fail("cross_ref", "-", "-", "-", problem)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_admin_walk(iso, model):
    walker = Walker(iso, "admin")
    from tests.isolation import stats

    stats.STATS["models"].add(model._meta.label)
    if not iso.b.has_row(model) or not iso.a.has_row(model):
        pytest.fail(f"{model._meta.label} is registered in the admin but the worlds have no row of it (add a builder)")
    walk = AdminWalk(walker, model)
    for principal in iso.admin_principals():
        walk.run(principal)
    routes = {r for r, _ in model_routes(model)}
    for route in sorted(routes - {r for r, _ in walker.routes_hit} - set(ADMIN_NOT_WALKED)):
        walker.fail("coverage", "-", "-", route, "admin route not walked (teach AdminWalk its parameters)")
    final_checks(walker)
    report = walker.report()
    assert not walker.failures, report


def site_routes() -> dict:
    prefixes = tuple(model_prefix(m) for m in admin.site._registry)
    return {r: p for r, p in admin_routes().items() if not r.startswith(prefixes) and r not in ADMIN_NOT_WALKED}


@pytest.mark.django_db
def test_admin_site_walk(iso):
    """Site-wide admin pages: index, app lists, autocomplete, view-on-site, switcher and the rest."""
    walker = Walker(iso, "admin")
    principals = iso.admin_principals()
    for route, pattern in sorted(site_routes().items()):
        names = route_params(route, pattern)
        for principal in principals:
            if route == "admin/autocomplete/":
                walk_autocomplete(walker, principal)
            elif route == "admin/search/":
                walk_console_search(walker, principal)
            elif route == "admin/security/sessions/":
                walk_signed_in_sessions(walker, principal)
            elif route == "admin/switch-tenant/":
                outcome = walker.send(
                    principal, "POST", "/" + route, form={"tenant": str(iso.b.tenant.pk)}, follow=True
                )
                active = outcome.ctx("active_tenant") if outcome else None
                if active is not None and active.pk != iso.a.tenant.pk:
                    walker.fail("privilege", principal.name, "POST", route, f"switched into tenant {active.pk}")
            elif names == ["app_label"]:
                for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                    walker.send(principal, "GET", build_url(route, names, {"app_label": app_label}))
            elif set(names) == {"content_type_id", "object_id"}:
                for model in ADMIN_MODELS:
                    ct = ContentType.objects.get_for_model(model).pk
                    b_url = build_url(route, names, {"content_type_id": ct, "object_id": iso.b.row(model).pk})
                    ctl_url = build_url(route, names, {"content_type_id": ct, "object_id": NONEXISTENT_ID})
                    probe = walker.send(principal, "GET", b_url, follow=True)
                    control = walker.send(principal, "GET", ctl_url, follow=True)
                    walker.compare(principal, "GET", b_url, probe, control, [iso.b.row(model).pk, NONEXISTENT_ID])
            elif not names:
                walker.send(principal, "GET", "/" + route, follow=True)
                for param, label in PAGE_ID_PARAMETERS.get(route, {}).items():
                    walk_id_parameter(walker, principal, route, param, label)
            elif set(names) <= set(SITE_ROUTE_ROWS):
                walk_site_object_route(walker, principal, route, names)
            else:
                walker.fail("coverage", "-", "GET", route, f"cannot fill site route parameters {names}")
    for route in sorted(set(site_routes()) - {r for r, _ in walker.routes_hit}):
        walker.fail("coverage", "-", "-", route, "admin site route not walked")
    final_checks(walker)
    report = walker.report()
    assert not walker.failures, report


def walk_signed_in_sessions(walker: Walker, principal) -> None:
    """A person's sessions page: B's session id, posted to sign it out, answers like a nonexistent one (404)."""
    iso = walker.iso
    walker.send(principal, "GET", "/admin/security/sessions/", follow=True)
    b_id = iso.b.row(SignedInSession).pk
    forms = [{"action": "revoke", "session": str(value)} for value in (b_id, NONEXISTENT_ID)]
    probe = walker.send(principal, "POST", "/admin/security/sessions/", form=forms[0], follow=True)
    control = walker.send(principal, "POST", "/admin/security/sessions/", form=forms[1], follow=True)
    same = walker.compare(principal, "POST", "/admin/security/sessions/", probe, control, [b_id, NONEXISTENT_ID])
    if same and probe.status != 404:
        walker.fail("not_404", principal.name, "POST", "/admin/security/sessions/", f"answers {probe.chain}")


def walk_site_object_route(walker: Walker, principal, route: str, names: list[str]) -> None:
    """A console page of one row (``SITE_ROUTE_ROWS``): B's id answers like a nonexistent one, a 404, by GET and
    POST; A's own row's page is requested too (none of B's canaries may show on it)."""
    iso = walker.iso
    b_values = {name: iso.b.row(SITE_ROUTE_ROWS[name]).pk for name in names}
    ctl_values = dict.fromkeys(names, NONEXISTENT_ID)
    b_url, ctl_url = build_url(route, names, b_values), build_url(route, names, ctl_values)
    for method in ("GET", "POST"):
        form = {} if method == "POST" else None
        probe = walker.send(principal, method, b_url, form=form, follow=True)
        control = walker.send(principal, method, ctl_url, form=form, follow=True)
        same = walker.compare(principal, method, b_url, probe, control, [*b_values.values(), NONEXISTENT_ID])
        if same and probe.status != 404:
            walker.fail("not_404", principal.name, method, b_url, f"answers {probe.chain}, expected 404")
    a_values = {name: iso.a.row(SITE_ROUTE_ROWS[name]).pk for name in names}
    walker.send(principal, "GET", build_url(route, names, a_values), follow=True)


# Console pages whose query string takes a row id of the active tenant (route -> parameter -> model label):
# each of B's rows must answer exactly like a nonexistent id, a 404, for every principal.
PAGE_ID_PARAMETERS: dict[str, dict[str, str]] = {
    "admin/work/today/": {"member": "accounts.Membership"},
}


def walk_id_parameter(walker: Walker, principal, route: str, param: str, label: str) -> None:
    url = "/" + route
    for row in walker.iso.b.rows[label]:
        probe = walker.send(principal, "GET", url, query={param: str(row.pk)}, follow=True)
        control = walker.send(principal, "GET", url, query={param: str(NONEXISTENT_ID)}, follow=True)
        same = walker.compare(principal, "GET", f"{url}?{param}=B", probe, control, [row.pk, NONEXISTENT_ID])
        if same and probe.status != 404:
            walker.fail("not_404", principal.name, "GET", f"{url}?{param}=B", f"answers {probe.chain}, expected 404")


def walk_autocomplete(walker: Walker, principal) -> None:
    """Every autocomplete field: empty term, each of B's search values, against fresh terms."""
    iso = walker.iso
    for model in ADMIN_MODELS:
        ma = admin.site._registry[model]
        for field_name in ma.autocomplete_fields:
            remote = model._meta.get_field(field_name).remote_field.model
            target = admin.site._registry.get(remote)
            params = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
            }
            terms = [""]
            if target is not None and iso.b.has_row(remote):
                for path in target.search_fields:
                    value = follow_path(iso.b.row(remote), path.lstrip("^=@"))
                    if value not in (None, ""):
                        terms.append(str(value))
            for term in terms:
                probe = walker.send(principal, "GET", "/admin/autocomplete/", query={**params, "term": term})
                check_autocomplete_rows(walker, principal, remote, probe)
                if term:
                    control = walker.send(principal, "GET", "/admin/autocomplete/", query={**params, "term": fresh()})
                    walker.compare(
                        principal, "GET", f"autocomplete {model.__name__}.{field_name}={term}", probe, control, [term]
                    )


def walk_console_search(walker: Walker, principal) -> None:
    """The header's search: each of B's searched values finds what a fresh word finds (A's rows only)."""
    iso, url = walker.iso, "/admin/search/"
    walker.send(principal, "GET", url)  # no query: a 400 that says so
    walker.send(principal, "GET", url, query={"q": "a", "tenant": str(iso.b.tenant.pk)})  # unknown parameter
    for model in (Account, Contact):
        for path in admin.site._registry[model].search_fields:
            value = follow_path(iso.b.row(model), path.lstrip("^=@"))
            if value in (None, ""):
                continue
            probe = walker.send(principal, "GET", url, query={"q": str(value)})
            control = walker.send(principal, "GET", url, query={"q": fresh()})
            label = f"{url}?q={model.__name__}.{path}=B"
            found = found_pages(walker, principal, probe)
            if walker.compare(principal, "GET", label, probe, control, [value]) and found != found_pages(
                walker, principal, control
            ):
                walker.fail("enumeration", principal.name, "GET", label, "found rows differ from nonexistent")


def found_pages(walker: Walker, principal, outcome) -> list[str]:
    """The admin pages the search page links its rows to; each must be one of A's rows."""
    pages = []
    for found in (outcome.ctx("found") if outcome else None) or []:
        for page, _cells in found.rows:
            match = resolve(page)
            model = match.func.model_admin.model
            row = model._base_manager.filter(pk=match.kwargs["object_id"]).first()
            if row is not None and owner_of(row) != walker.iso.a.tenant.pk:
                walker.fail("foreign_row", principal.name, "GET", "/admin/search/", f"{model.__name__} {row.pk} found")
            pages.append(page)
    return sorted(pages)


def check_autocomplete_rows(walker, principal, remote, outcome) -> None:
    if outcome is None or not isinstance(outcome.json, dict):
        return
    for item in outcome.json.get("results", []):
        row = remote._base_manager.filter(pk=item.get("id")).first()
        if row is not None and owner_of(row) not in (None, walker.iso.a.tenant.pk):
            walker.fail("foreign_row", principal.name, "GET", "/admin/autocomplete/", f"{remote.__name__} {row.pk}")
