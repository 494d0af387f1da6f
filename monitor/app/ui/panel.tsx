import type { ReactNode } from 'react';

/** A titled section of the page; `actions` sit at the right of the title. */
export function Panel(props: {
  id: string;
  title: string;
  hint?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section className={`panel ${props.className ?? ''}`} aria-labelledby={`${props.id}-title`} id={props.id}>
      <div className="panel-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.hint ? <span className="hint">{props.hint}</span> : null}
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}
