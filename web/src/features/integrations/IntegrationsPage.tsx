import {
  Badge,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
} from "@fluentui/react-components";
import { useState, type FormEvent } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { canAct, currentSession } from "../../auth/session";
import { ProblemBar } from "../../components/ProblemBar";
import { defineMessages, useFormats } from "../../i18n";
import { label, NONE } from "../../labels";
import {
  useCreateEndpoint,
  useDeliveries,
  useEndpoints,
  useRetryDelivery,
  useRotateSecret,
  useSendTest,
  useUpdateEndpoint,
  type Endpoint,
} from "./queries";

const DELIVERY_STATUS = defineMessages({
  pending: { id: "integrations.delivery.pending", defaultMessage: "Pending" },
  delivered: { id: "integrations.delivery.delivered", defaultMessage: "Delivered" },
  failed: { id: "integrations.delivery.failed", defaultMessage: "Failed" },
});

const DISABLED_REASONS = defineMessages({
  gone: { id: "integrations.disabled.gone", defaultMessage: "Disabled: the endpoint answered 410 Gone" },
  failing: { id: "integrations.disabled.failing", defaultMessage: "Disabled: every delivery failed for 5 days" },
});

/** CRM push: the partner's endpoints, each signing secret shown once, test events and the
 * delivery log with retry. Only referral admins manage them (the API refuses anyone else). */
export function IntegrationsPage() {
  const intl = useIntl();
  const admin = canAct(currentSession());
  const endpoints = useEndpoints(admin);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <section aria-labelledby="integrations-title">
      <div className="page-head">
        <h1 id="integrations-title">
          <FormattedMessage id="integrations.title" defaultMessage="Integrations" />
        </h1>
      </div>
      <Text>
        <FormattedMessage
          id="integrations.explain"
          defaultMessage="Your CRM (or any HTTPS endpoint) receives every lead event as it happens, signed, retried for a day when it does not answer, and logged here."
        />
      </Text>
      {!admin && (
        <MessageBar intent="info">
          <MessageBarBody>
            <FormattedMessage
              id="integrations.adminsOnly"
              defaultMessage="Only referral admins manage the CRM endpoints."
            />
          </MessageBarBody>
        </MessageBar>
      )}
      {admin && (
        <>
          {secret && <SecretShownOnce secret={secret} onDone={() => setSecret(null)} />}
          <AddEndpoint onAdded={setSecret} />
          {endpoints.isPending && (
            <Spinner label={intl.formatMessage({ id: "integrations.loading", defaultMessage: "Loading the endpoints…" })} />
          )}
          {endpoints.isError && <ProblemBar error={endpoints.error} retry={() => void endpoints.refetch()} />}
          {endpoints.data?.length === 0 && (
            <Text>
              <FormattedMessage id="integrations.none" defaultMessage="No endpoint yet." />
            </Text>
          )}
          {endpoints.data?.map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} onSecret={setSecret} />
          ))}
        </>
      )}
    </section>
  );
}

function SecretShownOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <MessageBar intent="warning" role="status">
      <MessageBarBody>
        <MessageBarTitle>
          <FormattedMessage id="integrations.secret.title" defaultMessage="Signing secret, shown only now" />
        </MessageBarTitle>
        <code className="secret">{secret}</code>
        <FormattedMessage
          id="integrations.secret.keep"
          defaultMessage="Keep it in your receiver: it verifies each delivery's signature."
        />
      </MessageBarBody>
      <MessageBarActions>
        <Button
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? (
            <FormattedMessage id="integrations.secret.copied" defaultMessage="Copied" />
          ) : (
            <FormattedMessage id="integrations.secret.copy" defaultMessage="Copy secret" />
          )}
        </Button>
        <Button appearance="subtle" onClick={onDone}>
          <FormattedMessage id="integrations.secret.done" defaultMessage="Done" />
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

function AddEndpoint({ onAdded }: { onAdded: (secret: string) => void }) {
  const intl = useIntl();
  const create = useCreateEndpoint();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const title = intl.formatMessage({ id: "integrations.add.title", defaultMessage: "Add an endpoint" });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { url: url.trim(), description: description.trim() || null },
      {
        onSuccess: (created) => {
          setUrl("");
          setDescription("");
          onAdded(created.secret);
        },
      },
    );
  };
  return (
    <form aria-label={title} className="settings-form" onSubmit={submit}>
      <h2>{title}</h2>
      <Field
        label={intl.formatMessage({ id: "integrations.add.url", defaultMessage: "Endpoint URL (https)" })}
        required
      >
        <Input value={url} onChange={(_, data) => setUrl(data.value)} type="url" />
      </Field>
      <Field label={intl.formatMessage({ id: "integrations.add.description", defaultMessage: "Description" })}>
        <Input value={description} onChange={(_, data) => setDescription(data.value)} />
      </Field>
      {create.isError && <ProblemBar error={create.error} />}
      <Button type="submit" appearance="primary" disabled={create.isPending || !url.trim()}>
        <FormattedMessage id="integrations.add.submit" defaultMessage="Add endpoint" />
      </Button>
    </form>
  );
}

function EndpointCard({ endpoint, onSecret }: { endpoint: Endpoint; onSecret: (secret: string) => void }) {
  const intl = useIntl();
  const [showLog, setShowLog] = useState(false);
  const [editing, setEditing] = useState(false);
  const update = useUpdateEndpoint(endpoint.id);
  const rotate = useRotateSecret(endpoint.id);
  const test = useSendTest(endpoint.id);
  const problem = update.error ?? rotate.error ?? test.error;
  return (
    <article aria-label={endpoint.url} className="endpoint">
      <h2 className="endpoint-url">{endpoint.url}</h2>
      {endpoint.description && <Text>{endpoint.description}</Text>}
      <div className="endpoint-state">
        {endpoint.enabled ? (
          <Badge color="success">
            <FormattedMessage id="integrations.enabled" defaultMessage="Enabled" />
          </Badge>
        ) : (
          <Badge color="danger">
            {endpoint.disabled_reason
              ? label(intl, DISABLED_REASONS, endpoint.disabled_reason)
              : intl.formatMessage({ id: "integrations.disabled", defaultMessage: "Disabled" })}
          </Badge>
        )}
        <Text>
          <FormattedMessage
            id="integrations.events"
            defaultMessage="{count, plural, one {# event} other {# events}}: {events}"
            values={{ count: endpoint.events.length, events: endpoint.events.join(", ") }}
          />
        </Text>
      </div>
      {editing ? (
        <EditEndpoint endpoint={endpoint} onDone={() => setEditing(false)} />
      ) : (
        <div className="endpoint-actions">
          <Button onClick={() => setEditing(true)}>
            <FormattedMessage id="integrations.edit" defaultMessage="Edit" />
          </Button>
          <Button disabled={test.isPending} onClick={() => test.mutate(undefined, { onSuccess: () => setShowLog(true) })}>
            <FormattedMessage id="integrations.test" defaultMessage="Send test event" />
          </Button>
          <Button disabled={rotate.isPending} onClick={() => rotate.mutate(undefined, { onSuccess: (answer) => onSecret(answer.secret) })}>
            <FormattedMessage id="integrations.rotate" defaultMessage="Rotate secret" />
          </Button>
          <Button disabled={update.isPending} onClick={() => update.mutate({ enabled: !endpoint.enabled })}>
            {endpoint.enabled ? (
              <FormattedMessage id="integrations.disable" defaultMessage="Disable" />
            ) : (
              <FormattedMessage id="integrations.enable" defaultMessage="Enable" />
            )}
          </Button>
          <Button appearance="subtle" aria-expanded={showLog} onClick={() => setShowLog(!showLog)}>
            <FormattedMessage id="integrations.log" defaultMessage="Delivery log" />
          </Button>
        </div>
      )}
      {test.isSuccess && (
        <Text role="status">
          <FormattedMessage id="integrations.testQueued" defaultMessage="Test event queued: see the delivery log." />
        </Text>
      )}
      {problem && <ProblemBar error={problem} />}
      {showLog && <DeliveryLog endpointId={endpoint.id} />}
    </article>
  );
}

function EditEndpoint({ endpoint, onDone }: { endpoint: Endpoint; onDone: () => void }) {
  const intl = useIntl();
  const update = useUpdateEndpoint(endpoint.id);
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description ?? "");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ url: url.trim(), description: description.trim() || null }, { onSuccess: onDone });
  };
  return (
    <form
      aria-label={intl.formatMessage({ id: "integrations.edit.title", defaultMessage: "Edit the endpoint" })}
      className="settings-form"
      onSubmit={submit}
    >
      <Field label={intl.formatMessage({ id: "integrations.add.url", defaultMessage: "Endpoint URL (https)" })} required>
        <Input value={url} onChange={(_, data) => setUrl(data.value)} type="url" />
      </Field>
      <Field label={intl.formatMessage({ id: "integrations.add.description", defaultMessage: "Description" })}>
        <Input value={description} onChange={(_, data) => setDescription(data.value)} />
      </Field>
      {update.isError && <ProblemBar error={update.error} />}
      <div className="endpoint-actions">
        <Button type="submit" appearance="primary" disabled={update.isPending || !url.trim()}>
          <FormattedMessage id="integrations.edit.save" defaultMessage="Save" />
        </Button>
        <Button onClick={onDone}>
          <FormattedMessage id="integrations.edit.cancel" defaultMessage="Cancel" />
        </Button>
      </div>
    </form>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const intl = useIntl();
  const format = useFormats();
  const deliveries = useDeliveries(endpointId, true);
  const retry = useRetryDelivery(endpointId);
  const caption = intl.formatMessage({ id: "integrations.log", defaultMessage: "Delivery log" });
  if (deliveries.isPending)
    return <Spinner label={intl.formatMessage({ id: "integrations.log.loading", defaultMessage: "Loading the deliveries…" })} />;
  if (deliveries.isError) return <ProblemBar error={deliveries.error} retry={() => void deliveries.refetch()} />;
  if (deliveries.data.length === 0)
    return (
      <Text>
        <FormattedMessage id="integrations.log.none" defaultMessage="Nothing delivered yet." />
      </Text>
    );
  return (
    <div className="table-scroll">
      {retry.isError && <ProblemBar error={retry.error} />}
      <table className="deliveries">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">
              <FormattedMessage id="integrations.log.event" defaultMessage="Event" />
            </th>
            <th scope="col">
              <FormattedMessage id="integrations.log.status" defaultMessage="Status" />
            </th>
            <th scope="col">
              <FormattedMessage id="integrations.log.attempts" defaultMessage="Attempts" />
            </th>
            <th scope="col">
              <FormattedMessage id="integrations.log.answer" defaultMessage="Last answer" />
            </th>
            <th scope="col">
              <FormattedMessage id="integrations.log.last" defaultMessage="Last attempt" />
            </th>
            <th scope="col">
              <FormattedMessage id="integrations.log.next" defaultMessage="Next attempt" />
            </th>
            <th scope="col">
              <FormattedMessage id="integrations.log.actions" defaultMessage="Actions" />
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.map((delivery) => (
            <tr key={delivery.id}>
              <td>{delivery.event_type}</td>
              <td>{label(intl, DELIVERY_STATUS, delivery.status)}</td>
              <td>{format.number(delivery.attempts)}</td>
              <td>{delivery.last_status_code ?? delivery.last_error ?? NONE}</td>
              <td>{format.dateTime(delivery.last_attempt_at)}</td>
              <td>{format.dateTime(delivery.next_attempt_at)}</td>
              <td>
                <Button
                  size="small"
                  disabled={retry.isPending}
                  aria-label={intl.formatMessage(
                    { id: "integrations.log.retryOne", defaultMessage: "Retry {event} {id}" },
                    { event: delivery.event_type, id: delivery.id },
                  )}
                  onClick={() => retry.mutate(delivery.id)}
                >
                  <FormattedMessage id="integrations.log.retry" defaultMessage="Retry" />
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
