from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Report exchange with partner hotlines"

    def ready(self) -> None:
        from exchange import receivers  # noqa: F401  (connects the signal receivers)
        from exchange.outbound import forward_send
        from takedown.models import NoticeBatch
        from takedown.notices.delivery import channel_sender_register

        # Forwards travel as notice batches on their own channel; takedown sends them through us.
        channel_sender_register(NoticeBatch.Channel.EXCHANGE, forward_send)
