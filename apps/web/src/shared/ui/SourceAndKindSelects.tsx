/**
 * The Source and Kind filters, as the queue, the activity page and the impact page offer them: every source and
 * kind of the shared model, with "All" as the empty value.
 */
import { RECOMMENDATION_SOURCES, RecommendationKindSchema, SOURCE_LABELS } from '@recdesk/shared-types';

interface FilterSelectProps {
  value: string | undefined;
  /** The chosen value; '' for "All". */
  onChange: (value: string) => void;
}

export function SourceSelect({ value, onChange }: FilterSelectProps) {
  return (
    <label>
      Source
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        <option value="">All sources</option>
        {RECOMMENDATION_SOURCES.map((source) => (
          <option key={source} value={source}>
            {SOURCE_LABELS[source]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function KindSelect({ value, onChange }: FilterSelectProps) {
  return (
    <label>
      Kind
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        <option value="">All kinds</option>
        {RecommendationKindSchema.options.map((kind) => (
          <option key={kind} value={kind}>
            {kind}
          </option>
        ))}
      </select>
    </label>
  );
}
