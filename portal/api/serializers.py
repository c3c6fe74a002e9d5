from rest_framework import serializers

from portal.models import Job


class JobSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "status_display", "total", "done", "percent", "message",
                  "errors", "result_name", "download_url", "authority", "created_by", "created", "started",
                  "finished"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        if not obj.result_file:
            return None
        from django.urls import reverse

        return reverse("job-download", args=[obj.pk])
