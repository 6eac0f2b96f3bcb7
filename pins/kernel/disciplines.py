from django.db import models


class Discipline(models.TextChoices):
    """The specialists the programme places in schools."""

    OCCUPATIONAL_THERAPY = "occupational_therapy", "Occupational therapy"
    SPEECH_AND_LANGUAGE_THERAPY = "speech_and_language_therapy", "Speech and language therapy"
    MENTAL_HEALTH = "mental_health", "Mental health"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
    SPECIALIST_NURSING = "specialist_nursing", "Specialist nursing"
    SPECIALIST_TEACHING = "specialist_teaching", "Specialist teaching"
