import { Field, MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Spinner, Text } from "@fluentui/react-components";
import { FormattedMessage, useIntl, type IntlShape } from "react-intl";
import { Link, useParams } from "react-router-dom";
import type { Export } from "../../api/client";
import { ProblemBar } from "../../components/ProblemBar";
import { defineMessages, useFormats, type Formats } from "../../i18n";
import {
  FIELD_LABELS,
  FILTER_VALUE_LABELS,
  label,
  SORT_LABELS,
  TAB_LABELS,
  type Labels,
} from "../../labels";
import { useExport, useExports } from "./queries";

const STATUS_TEXT = defineMessages({
  queued: { id: "export.status.queued", defaultMessage: "Waiting to start" },
  running: { id: "export.status.running", defaultMessage: "Writing the file" },
  succeeded: { id: "export.status.succeeded", defaultMessage: "Ready" },
  failed: { id: "export.status.failed", defaultMessage: "Failed" },
});

/** One export: its progress while it runs, the download link once the file is ready. */
export function ExportPage() {
  const intl = useIntl();
  const { exportId = "" } = useParams();
  const job = useExport(exportId);
  return (
    <section aria-labelledby="export-title">
      <div className="page-head">
        <h1 id="export-title">
          <FormattedMessage id="export.title" defaultMessage="Export" />
        </h1>
        <Link to="/exports">
          <FormattedMessage id="export.all" defaultMessage="All exports" />
        </Link>
      </div>
      {job.isPending && <Spinner label={intl.formatMessage({ id: "export.loading", defaultMessage: "Loading the export…" })} />}
      {job.isError && <ProblemBar error={job.error} retry={() => void job.refetch()} />}
      {job.data && <ExportProgress job={job.data} />}
    </section>
  );
}

function ExportProgress({ job }: { job: Export }) {
  const intl = useIntl();
  const format = useFormats();
  const active = job.status === "queued" || job.status === "running";
  const rows =
    job.expected_rows != null
      ? intl.formatMessage(
          { id: "export.rowsOf", defaultMessage: "{rows, number} of {count, plural, one {# lead} other {# leads}}" },
          { rows: job.rows, count: job.expected_rows },
        )
      : intl.formatMessage(
          { id: "export.rowsSoFar", defaultMessage: "{count, plural, one {# lead} other {# leads}} so far" },
          { count: job.rows },
        );
  return (
    <div className="card export" aria-live="polite">
      <Text block>
        <FormattedMessage
          id="export.summary"
          defaultMessage="{tab}, filters: {filters} · started {at}"
          values={{
            tab: label(intl, TAB_LABELS, job.request.tab ?? "marketplace"),
            filters: describeFilters(intl, format, job),
            at: format.dateTime(job.created_at),
          }}
        />
      </Text>
      {active && (
        <Field label={label(intl, STATUS_TEXT, job.status)} validationMessage={rows} validationState="none">
          <ProgressBar
            value={job.progress ?? undefined}
            max={1}
            aria-label={intl.formatMessage({ id: "export.progress", defaultMessage: "Export progress" })}
          />
        </Field>
      )}
      {job.status === "succeeded" && job.download_url && (
        <MessageBar intent="success">
          <MessageBarBody>
            <MessageBarTitle>{label(intl, STATUS_TEXT, "succeeded")}</MessageBarTitle>
            <FormattedMessage
              id="export.ready"
              defaultMessage="{count, plural, one {# lead} other {# leads}}. <link>Download CSV</link> (the link works for 15 minutes; reopen this page for a new one)."
              values={{
                count: job.rows,
                link: (chunks) => (
                  <a href={job.download_url ?? undefined} download>
                    {chunks}
                  </a>
                ),
              }}
            />
          </MessageBarBody>
        </MessageBar>
      )}
      {job.status === "failed" && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>
            <MessageBarTitle>
              <FormattedMessage id="export.failed" defaultMessage="The export failed" />
            </MessageBarTitle>
            <FormattedMessage
              id="export.failedReason"
              defaultMessage="{reason}. Start it again from the list."
              values={{ reason: job.reason ?? intl.formatMessage({ id: "export.noReason", defaultMessage: "No reason given" }) }}
            />
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

/** The filters the export was asked with, named as the list names them. */
function describeFilters(intl: IntlShape, format: Formats, job: Export): string {
  const { tab: _tab, bom: _bom, sort, order: _order, include_test: test, profile, ...filters } = job.request;
  const parts = Object.entries(filters)
    .filter(([, value]) => value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && !value.length))
    .map(([name, value]) => {
      const values = (Array.isArray(value) ? value : [value]).map(String);
      const labels = (FILTER_VALUE_LABELS as Partial<Record<string, Labels<string>>>)[name];
      const shown = values.map((one) =>
        labels ? label(intl, labels, one) : name === "country" ? (format.country(one) ?? one) : name.startsWith("created_") ? format.date(one) ?? one : one,
      );
      const title = name in FIELD_LABELS ? intl.formatMessage(FIELD_LABELS[name as keyof typeof FIELD_LABELS]) : name;
      return `${title}: ${intl.formatList(shown, { type: "disjunction" })}`;
    });
  if (test) parts.push(intl.formatMessage({ id: "export.withTestLeads", defaultMessage: "with test leads" }));
  if (profile === "crm") parts.push(intl.formatMessage({ id: "export.crmProfile", defaultMessage: "for a CRM import" }));
  const described = parts.length ? parts.join(" · ") : intl.formatMessage({ id: "export.noFilters", defaultMessage: "none" });
  return sort && sort !== "created_at" && sort in SORT_LABELS
    ? intl.formatMessage(
        { id: "export.sortedBy", defaultMessage: "{filters}; sorted by {sort}" },
        { filters: described, sort: intl.formatMessage(SORT_LABELS[sort as keyof typeof SORT_LABELS]) },
      )
    : described;
}

/** The partner's recent exports, newest first. */
export function ExportsPage() {
  const intl = useIntl();
  const format = useFormats();
  const exports = useExports();
  return (
    <section aria-labelledby="exports-title">
      <div className="page-head">
        <h1 id="exports-title">
          <FormattedMessage id="frame.exports" defaultMessage="Exports" />
        </h1>
      </div>
      {exports.isPending && <Spinner label={intl.formatMessage({ id: "exports.loading", defaultMessage: "Loading exports…" })} />}
      {exports.isError && <ProblemBar error={exports.error} retry={() => void exports.refetch()} />}
      {exports.data && exports.data.items.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            <FormattedMessage id="exports.empty" defaultMessage="No exports yet: use Export on the leads list." />
          </MessageBarBody>
        </MessageBar>
      )}
      {exports.data && exports.data.items.length > 0 && (
        <div className="table-scroll">
          <table aria-label={intl.formatMessage({ id: "frame.exports", defaultMessage: "Exports" })} className="leads">
            <thead>
              <tr>
                <th scope="col">
                  <FormattedMessage id="exports.column.started" defaultMessage="Started" />
                </th>
                <th scope="col">
                  <FormattedMessage id="exports.column.tab" defaultMessage="Tab" />
                </th>
                <th scope="col">
                  <FormattedMessage id="exports.column.filters" defaultMessage="Filters" />
                </th>
                <th scope="col">{intl.formatMessage(FIELD_LABELS.status)}</th>
                <th scope="col">
                  <FormattedMessage id="exports.column.leads" defaultMessage="Leads" />
                </th>
              </tr>
            </thead>
            <tbody>
              {exports.data.items.map((job) => (
                <tr key={job.export_id}>
                  <td>
                    <Link to={`/exports/${job.export_id}`}>{format.dateTime(job.created_at)}</Link>
                  </td>
                  <td>{label(intl, TAB_LABELS, job.request.tab ?? "marketplace")}</td>
                  <td>{describeFilters(intl, format, job)}</td>
                  <td>{label(intl, STATUS_TEXT, job.status)}</td>
                  <td>{format.number(job.rows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
