/**
 * The rest of the persona (Persona Builder): how many customers the audience counts (Amazon's band), who they are
 * (age, gender, income, education: each segment's share and how much likelier than the average customer), and the
 * audiences they overlap with most, by name, with affinity and daily reach.
 */
import type { PlanPersonaFacts } from '@recdesk/shared-types';
import './plan.css';

const count = (value: number) => Math.round(value).toLocaleString('en-US');

export function sizeText(size: NonNullable<PlanPersonaFacts['size']>): string {
  return size.max === null ? `${count(size.min)} or more` : `${count(size.min)} to ${count(size.max)}`;
}

export function PersonaFacts({ facts, audienceName }: { facts: PlanPersonaFacts; audienceName: string | null }) {
  return (
    <section aria-label="Persona facts" className="persona-facts">
      {facts.size ? (
        <p>
          <strong>{audienceName ?? 'The audience'}</strong> counts {sizeText(facts.size)} customers.
        </p>
      ) : null}
      {facts.demographics.length > 0 ? (
        <div className="persona-demographics">
          {facts.demographics.map((d) => {
            const top = [...d.segments].sort((a, b) => b.share - a.share)[0];
            return (
              <section key={d.dimension} aria-label={d.dimension}>
                <h4>{d.dimension}</h4>
                <ul>
                  {d.segments.map((s) => (
                    <li key={s.label} className={s === top ? 'persona-top' : undefined}>
                      <span className="persona-bar" style={{ width: `${Math.min(100, s.share)}%` }} aria-hidden="true" />
                      <span>
                        {s.label}: {s.share.toFixed(0)}%
                      </span>
                      <span className="muted"> {s.affinity.toFixed(1)}×</span>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      ) : null}
      {facts.topAudiences.length > 0 ? (
        <table className="persona-audiences" aria-label="Top overlapping audiences (Persona Builder)">
          <caption>Audiences they overlap with most</caption>
          <thead>
            <tr>
              <th scope="col">Audience</th>
              <th scope="col">Category</th>
              <th scope="col">Affinity</th>
              <th scope="col">Of them</th>
              <th scope="col">Daily reach (size)</th>
            </tr>
          </thead>
          <tbody>
            {facts.topAudiences.map((a) => (
              <tr key={a.audienceId}>
                <td>{a.name}</td>
                <td>{a.category}</td>
                <td>{a.affinity.toFixed(2)}×</td>
                <td>{a.overlapPercentage.toFixed(1)}%</td>
                <td>{a.dailyReach ? `${count(a.dailyReach.lower)}–${count(a.dailyReach.upper)}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
