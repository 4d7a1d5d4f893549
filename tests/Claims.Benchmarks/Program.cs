Console.WriteLine("Claims benchmark: not written yet.");
