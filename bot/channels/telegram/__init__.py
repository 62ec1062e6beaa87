"""The Telegram channel (aiogram 3 as a transport): polling or webhook, rendering, delivery, QR posters."""
