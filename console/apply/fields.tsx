/** The form's inputs: a labelled text field and a photo input with its preview. */
import { useEffect, useState } from 'preact/hooks';

export function imageType(file: File): 'image/jpeg' | 'image/png' | undefined {
  return file.type === 'image/jpeg' || file.type === 'image/png' ? file.type : undefined;
}

/** A photo input with a preview: the camera on a phone (capture), a file picker on a desktop. */
export function PhotoInput(props: {
  id: string;
  label: string;
  file?: File;
  onFile(f: File | undefined): void;
  error?: string;
}) {
  const [preview, setPreview] = useState<string>();
  useEffect(() => {
    if (!props.file) return setPreview(undefined);
    const url = URL.createObjectURL(props.file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [props.file]);
  return (
    <div class="photo-input">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type="file"
        accept="image/jpeg,image/png"
        capture="environment"
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onFile(e.currentTarget.files?.[0])}
      />
      {preview && <img src={preview} alt={`${props.label}预览`} />}
      {props.error && (
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput(v: string): void;
  error?: string;
  inputMode?: 'numeric' | 'text' | 'tel';
  autocomplete?: string;
  pattern?: string;
  hint?: string;
}) {
  const described = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        value={props.value}
        inputMode={props.inputMode}
        autocomplete={props.autocomplete}
        pattern={props.pattern}
        required
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.hint && (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}
