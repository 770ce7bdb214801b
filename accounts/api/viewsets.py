"""The one base viewset that owns tenant scoping. Subclasses narrow; they never replace it."""

from rest_framework import mixins, viewsets

from accounts.api.principal import principal_of
from accounts.api.strict_query import reject_unknown_query_parameters


class TenantScopedViewSet(viewsets.GenericViewSet):
    """``model`` names a tenant-owned model; ``narrow(queryset)`` may filter or annotate it."""

    model = None
    # Query parameters an action reads itself (names, or a query serializer class); lists also read their
    # filters, ordering and pages. Any other parameter is a 400 (accounts/api/strict_query.py). Set per
    # action with ``@action(..., extra_query_params=...)``.
    extra_query_params = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must override narrow(), not get_queryset(): scoping lives here.")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # who is asking first: a stranger learns nothing
        if not getattr(self, "swagger_fake_view", False):
            reject_unknown_query_parameters(request, self)

    @property
    def tenant(self):
        return principal_of(self.request).tenant

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.unscoped.none()
        return self.narrow(self.model.objects.for_tenant(self.tenant))

    def narrow(self, queryset):
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["tenant"] = None if getattr(self, "swagger_fake_view", False) else self.tenant
        return context


class TenantCrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantScopedViewSet,
):
    """List, retrieve, create, update and delete one tenant-owned model."""
