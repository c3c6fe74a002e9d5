from django.db import transaction
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.api.serializers import JobSerializer
from portal.api.viewsets import ScopedReadOnlyViewSet
from portal.filtersets import JobFilterSet
from portal.jobs import job_start
from portal.models import Job


class JobStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["reference_integrity"], label="任务类型")


class JobViewSet(ScopedReadOnlyViewSet):
    """Background jobs: progress, errors, result link.  POST starts a parameterless job kind."""

    queryset = Job.objects.select_related("authority", "created_by")
    serializer_class = JobSerializer
    filterset_class = JobFilterSet

    def get_serializer_class(self):
        return JobStartSerializer if self.action == "create" else JobSerializer

    def scope_action(self):
        return "add" if self.request.method == "POST" else "view"

    def create(self, request):
        if not request.user.has_perm("portal.add_job"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        payload = JobStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            job = job_start(kind=payload.validated_data["kind"], user=request.user, authority=request.user.authority)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)
