from django.db import models


class FloorRow(models.Model):
    """One row per floor submission: the text posted and when."""

    text = models.CharField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"floor row {self.pk}"
