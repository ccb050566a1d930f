/** Saves rows as a CSV file through the browser's (or Electron's) download, quoting every field. */
export function downloadCsv(name: string, rows: string[][]): void {
  const text = rows.map((row) => row.map((field) => `"${field.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
