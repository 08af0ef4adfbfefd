from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """Self-service sign-up (its models live in `tenants.models`, with the registry).

    An app of its own for its management command, and so that it sits as its own layer
    above the registry.
    """

    name = "tenants.onboarding"
    label = "onboarding"
    verbose_name = "Đăng ký trang"
