"""The admin's side of the scoping choke point: every SDP model admin derives from ``ScopedModelAdmin``.

The role's model permissions say whether a page may be opened at all; ``central.scoping`` says which
rows. Another unit's object answers 404, as everywhere else in SDP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext

from central.private_search import PARAM, search_query, search_text
from central.scoping import Action, can, ensure_in_scope, restrict
from central.services.audit import audit_person_viewed
from central.text import SanitizedModelForm


class ScopedModelAdmin(admin.ModelAdmin):
    #: Text typed into the admin passes the same sanitizer as the operators' forms (central.text).
    form = SanitizedModelForm
    #: What changing, adding or deleting a row of this model takes (UPT records: OPERATE).
    change_action: Action = Action.OPERATE
    #: Foreign keys that name *another* unit on purpose (a transfer's destination): offered in full.
    unrestricted_fk_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, Action.VIEW)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or can(request.user, Action.VIEW, obj)

    def _may_write(self, request, obj) -> bool:
        if obj is None:
            return can(request.user, self.change_action)
        return can(request.user, self.change_action, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can(request.user, self.change_action)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A tampered form can only pick among the units (and their records) the user may change.
        related = db_field.related_model._default_manager.all()
        if (
            hasattr(related, "restrict")
            and "queryset" not in kwargs
            and db_field.name not in self.unrestricted_fk_fields
        ):
            kwargs["queryset"] = related.restrict(request.user, self.change_action)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The admin wraps the save in a transaction: this rolls it back if the row left the user's scope.
        ensure_in_scope(obj, request.user, self.change_action)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # A service refused what the form let through (a rule only the service checks, or another
            # user's change in between). The admin's transaction has already rolled back: nothing was
            # saved; show the reason on the same form rather than a server error.
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index for a missing object; SDP answers 404 so that another unit's
        # objects are indistinguishable from ones that do not exist. This private hook, not the public
        # get_object: Django checks the role's permission between the two, and a role without the page
        # must still be answered 403 (the permission matrix), not 404.
        raise Http404


if TYPE_CHECKING:
    from django.contrib.admin.views.main import ChangeList

    _AdminBase = admin.ModelAdmin[Any]  # what the mixins below are mixed into
    _ChangeListBase = ChangeList
else:
    _AdminBase = object
    _ChangeListBase = object


class ReadOnlyAdminMixin:
    """For tables only services write (submissions, runs, national register): nobody edits them here."""

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PersonViewAuditMixin(_AdminBase):
    """For admin pages that show one person's data: opening the page (or its history) is recorded in the
    audit trail, as on the operator's and central's own pages."""

    def _audit_view(self, request, object_id, response):
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                audit_person_viewed(request=request, target=obj, upt=getattr(obj, "upt", None))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._audit_view(request, object_id, response)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._audit_view(request, object_id, response)


class PrivateSearchAdminMixin(_AdminBase):
    """For admin lists searchable by name or NIK: the search box POSTs and the list's URL carries a session
    token instead of the text, as on the operator's register (``central.private_search``)."""

    change_list_template = "admin/private_search_change_list.html"

    def changelist_view(self, request, extra_context=None):
        posted = request.method == "POST" and "_cari" in request.POST
        if (posted or SEARCH_VAR in request.GET) and self.has_view_or_change_permission(request):
            source = request.POST if posted else request.GET
            keep = tuple(name for name in source if name not in {SEARCH_VAR, PARAM, "_cari", "csrfmiddlewaretoken"})
            query = search_query(request, source, keep)
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        if PARAM not in request.GET:
            return super().changelist_view(request, extra_context)
        original = request.GET
        text, found = search_text(request, original)
        if not found:
            self.message_user(request, gettext("Pencarian sebelumnya sudah tidak tersimpan; silakan ketik lagi."))
        # The admin's ChangeList reads the search from ``q``: it gets the text for building the list, while
        # every link it makes (pages, sorting, filters, a row and back) carries the token instead.
        searching = original.copy()
        token = searching.pop(PARAM)[-1]
        if text:
            searching[SEARCH_VAR] = text
        request.GET = searching
        request.sdp_search = (token, original)
        try:
            return super().changelist_view(request, extra_context)
        finally:
            request.GET = original

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        search = getattr(request, "sdp_search", None)
        if search is None:
            return changelist
        return type("PrivateSearchChangeList", (_TokenLinks, changelist), {"search_token": search[0]})

    def get_preserved_filters(self, request):
        search = getattr(request, "sdp_search", None)
        if search is None or request.GET is search[1]:
            return super().get_preserved_filters(request)
        searching, request.GET = request.GET, search[1]
        try:
            return super().get_preserved_filters(request)
        finally:
            request.GET = searching


class _TokenLinks(_ChangeListBase):
    """A ChangeList whose links name the search by its token."""

    search_token = ""

    def get_query_string(self, new_params=None, remove=None):
        params = self.filter_params
        self.filter_params = {name: value for name, value in params.items() if name != SEARCH_VAR}
        self.filter_params[PARAM] = [self.search_token]
        try:
            return super().get_query_string(new_params, remove)
        finally:
            self.filter_params = params


class AdminOnlyMixin:
    """Every page and action for the superuser only (users, tokens, periodic tasks): pages no role's
    model permission may open, whatever a group is granted by hand."""

    @staticmethod
    def _is_admin(request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request, *args, **kwargs):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_admin(request)
