from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.api.permissions import can_create


class ExternalIdUpsertMixin:
    """``PUT .../by-external-id/{external_id}``: create the row, or update the fields sent.

    Integrations sync from their own systems by their own ids; a retry or two racing syncs
    converge on one row (the unique (tenant, external_id) constraint decides, and the loser
    retries as an update).
    """

    def get_object(self):
        if "external_id" not in self.kwargs:
            return super().get_object()
        instance = get_object_or_404(self.get_queryset(), external_id=self.kwargs["external_id"])
        self.check_object_permissions(self.request, instance)
        return instance

    def retrieve_by_external_id(self, request, external_id):
        return Response(self.get_serializer(self.get_object()).data)

    def upsert_by_external_id(self, request, external_id):
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]}, code="invalid")
        if request.data.get("external_id", external_id) != external_id:
            raise ValidationError({"external_id": ["Must match the external id in the path."]}, code="invalid")
        data = {**request.data, "external_id": external_id}
        for attempt in range(2):
            instance = self.get_queryset().filter(external_id=external_id).first()
            if instance is None:
                if not can_create(request, self):
                    raise PermissionDenied("Your role may update but not create these rows.")
            else:
                self.check_object_permissions(request, instance)
            serializer = self.get_serializer(instance, data=data, partial=instance is not None)
            serializer.is_valid(raise_exception=True)
            try:
                with transaction.atomic():
                    saved = serializer.save()
            except IntegrityError:
                if attempt:
                    raise
                continue  # a concurrent request created it first: update it instead
            created = instance is None
            return Response(
                self.get_serializer(saved).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
            )
        raise AssertionError("unreachable")
